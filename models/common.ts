/** Sub-schemas and helpers shared by the models. */
import { Schema } from 'mongoose';

/** A place by district code (GB/T 2260) and the agency directory's street and committee codes. */
export const placeSchema = new Schema(
  {
    districtCode: { type: String, required: true },
    streetCode: String,
    committeeCode: String,
    address: String,
  },
  { _id: false },
);

export const bilingualSchema = new Schema(
  { zh: { type: String, required: true }, en: { type: String, required: true } },
  { _id: false },
);

/** A case's or child's risk as the read model keeps it: the contract's one definition ('unassessed' or graded). */
export { CASE_RISK_LEVELS as RISK_LEVELS, type CaseRiskLevel as RiskLevel } from '../contracts/enums';

/** MongoDB's (and FerretDB's) duplicate-key error. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}

/**
 * Whether an unordered insertMany failed only because some documents were already there (every write error a
 * duplicate key): the rest were written, so a retried batch that meets its earlier attempt's documents succeeds.
 */
export function isOnlyDuplicateKeyErrors(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  return (
    isDuplicateKeyError(error) ||
    (Array.isArray(writeErrors) && writeErrors.every((e) => (e.code ?? e.err?.code) === 11000))
  );
}

/** UTC calendar day of an instant, `YYYY-MM-DD`: the bucket the dashboard's week of escalations is read by. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
