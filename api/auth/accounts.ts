/**
 * The rules of account management: which role fits which kind of agency, whose accounts an administrator manages
 * (their own district's only), and the one-time password reset codes (random, shown once, stored only as a hash).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AgencyRecord } from '../../models/agency';
import type { Actor } from './actor';
import type { Role } from './roles';

/** How long a reset code (or a new account's first code) works. */
export const RESET_CODE_TTL_HOURS = 72;

/**
 * The agency types a role may belong to; a role absent here fits any agency of the district. Coordinators sit in the
 * protection network's offices (CN 五(一), FT 三(三)1): the street office, the district civil-affairs bureau or the
 * women and children's work committee office; the judicial roles in their own organs.
 */
const ROLE_AGENCY_TYPES: Partial<Record<Role, readonly string[]>> = {
  street_coordinator: ['street_office'],
  district_coordinator: ['civil_affairs', 'womens_children_office'],
  administrator: ['civil_affairs', 'womens_children_office'],
  court_staff: ['court'],
  procuratorate_staff: ['procuratorate'],
};

/** Why a role does not fit an agency, or undefined when it does. */
export function roleAgencyProblem(role: Role, agency: Pick<AgencyRecord, 'type' | 'level'>): string | undefined {
  const types = ROLE_AGENCY_TYPES[role];
  if (types && !types.includes(agency.type))
    return `a ${role} account belongs to an agency of type ${types.join(' or ')}`;
  if ((role === 'district_coordinator' || role === 'administrator') && agency.level !== 'district')
    return `a ${role} account belongs to a district-level agency`;
  return undefined;
}

/** The jurisdiction an account of this agency gets: the agency's district, and its street when it has one. */
export function jurisdictionOf(agency: Pick<AgencyRecord, 'jurisdiction'>): {
  districtCode: string;
  streetCode?: string;
} {
  const districtCode = agency.jurisdiction?.districtCode ?? '';
  const streetCode = agency.jurisdiction?.streetCode ?? undefined;
  return streetCode ? { districtCode, streetCode } : { districtCode };
}

/** An administrator manages the accounts and agencies of their own district only. */
export function managesDistrict(actor: Actor, districtCode: string | undefined | null): boolean {
  return actor.role === 'administrator' && !!districtCode && districtCode === actor.jurisdiction.districtCode;
}

// Crockford's base 32 without I, L, O, U: nothing to misread when a code is read out over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fresh code of 12 characters (60 bits), shown as XXXX-XXXX-XXXX. */
export function newResetCode(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => ALPHABET[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

/** The stored form of a code: case, spaces and dashes do not matter when the person types it. */
export function resetCodeHash(code: string): string {
  const normalised = code.toUpperCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(`childsafe-reset:${normalised}`).digest('hex');
}
