/**
 * The part of the records an Actor may list, as a value only this module can make. Repository read functions (in
 * models/) take a `Scope`, so a filter cannot be built without the caller's scope (the pattern of novu's `types/enforce.ts`), and the
 * filter follows the same rules as api/auth/permissions.ts (a test checks they agree on every role).
 */
import type { Actor } from './actor';

type ScopeValue =
  | { kind: 'district'; districtCode: string }
  | { kind: 'street'; districtCode: string; streetCode: string }
  | { kind: 'agency'; agencyCode: string }
  | { kind: 'reporter'; userId: string }
  | { kind: 'none' };

declare const scopeBrand: unique symbol;

/** Made only by `scopeOf`; the brand keeps object literals from passing for one. */
export type Scope = Readonly<ScopeValue> & { readonly [scopeBrand]: true };

const brand = (value: ScopeValue): Scope => Object.freeze(value) as Scope;

export function scopeOf(actor: Actor): Scope {
  const { districtCode, streetCode } = actor.jurisdiction;
  switch (actor.role) {
    case 'district_coordinator':
      return brand({ kind: 'district', districtCode });
    case 'street_coordinator':
      // A street coordinator without a street sees nothing rather than the whole district.
      return brand(streetCode ? { kind: 'street', districtCode, streetCode } : { kind: 'none' });
    case 'agency_staff':
    case 'agency_supervisor':
    case 'court_staff':
    case 'procuratorate_staff':
      return brand({ kind: 'agency', agencyCode: actor.agencyCode });
    case 'mandated_reporter':
      return brand({ kind: 'reporter', userId: actor.userId });
    case 'administrator':
      return brand({ kind: 'none' });
  }
}

/**
 * Where a collection keeps the fields a scope filters on; each repository names its own, e.g. cases:
 * `{ districtCode: 'jurisdiction.districtCode', streetCode: 'jurisdiction.streetCode', agencyCodes: 'agencyCodes' }`.
 */
export interface ScopeFields {
  districtCode: string;
  streetCode: string;
  /** An array of every agency with a task on the record. */
  agencyCodes: string;
  /** Only reports carry the reporter; for any other collection a reporter's scope matches nothing. */
  reporterUserId?: string;
}

// Matches no document; `$in: []` works on MongoDB and FerretDB alike. Fresh each time: mongoose casts filters in place.
const nothing = () => ({ _id: { $in: [] } });

/** A MongoDB filter fragment to AND with the query's own conditions: `{ ...scopeFilter(scope, fields), stage }`. */
export function scopeFilter(scope: Scope, fields: ScopeFields): Record<string, unknown> {
  switch (scope.kind) {
    case 'district':
      return { [fields.districtCode]: scope.districtCode };
    case 'street':
      return { [fields.districtCode]: scope.districtCode, [fields.streetCode]: scope.streetCode };
    case 'agency':
      return { [fields.agencyCodes]: scope.agencyCode };
    case 'reporter':
      return fields.reporterUserId ? { [fields.reporterUserId]: scope.userId } : nothing();
    case 'none':
      return nothing();
  }
}
