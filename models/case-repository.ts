/**
 * Reads of the case projection for the API, each within the caller's scope (a branded `Scope` from scopeOf(actor)):
 * a case outside it is not found, exactly like one that does not exist.
 */
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
