/**
 * Reads of the case projection for the API, each within the caller's scope (a branded `Scope` from scopeOf(actor)):
 * a case outside it is not found, exactly like one that does not exist.
 */
import type { Types } from 'mongoose';
import { CaseModel, type CaseRecord } from './case';
import { scopeFilter, type Scope, type ScopeFields } from './scope';

/** Where a case keeps what a scope filters on. */
export const CASE_SCOPE_FIELDS: ScopeFields = {
  districtCode: 'jurisdiction.districtCode',
  streetCode: 'jurisdiction.streetCode',
  agencyCodes: 'agencyCodes',
};

/**
 * One case the scope may read, by its workflow id; null when there is none or it is outside the scope. A case whose
 * district was never recorded is outside every scope (api/auth/permissions.ts reads cases by their district).
 */
export async function findCaseInScope(scope: Scope, workflowId: string): Promise<CaseRecord | null> {
  return CaseModel.findOne({
    workflowId,
    'jurisdiction.districtCode': { $gt: '' },
    ...scopeFilter(scope, CASE_SCOPE_FIELDS),
  })
    .lean<CaseRecord>()
    .exec();
}

/** Where a case is handled (district, street), by its workflow id, for a jurisdiction check; undefined if unrecorded. */
export async function caseJurisdiction(workflowId: string): Promise<CaseRecord['jurisdiction'] | undefined> {
  const record = await CaseModel.findOne({ workflowId }, { jurisdiction: 1 }).lean<CaseRecord>().exec();
  return record?.jurisdiction ?? undefined;
}

/** Where each case of one child is handled (at most 200), for a jurisdiction check. */
export async function caseJurisdictionsOfChild(
  childId: Types.ObjectId,
): Promise<NonNullable<CaseRecord['jurisdiction']>[]> {
  const cases = await CaseModel.find({ childId }, { jurisdiction: 1 }).limit(200).lean<CaseRecord[]>().exec();
  return cases.flatMap((c) => (c.jurisdiction ? [c.jurisdiction] : []));
}

/** The children whose cases give an agency tasks: the files an agency-scoped user may search. */
export function childIdsOfAgencyCases(agencyCode: string): Promise<Types.ObjectId[]> {
  return CaseModel.distinct('childId', { agencyCodes: agencyCode }).exec() as Promise<Types.ObjectId[]>;
}
