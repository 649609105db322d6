/**
 * Readable case numbers (issue #14): the district's short name, the year the case opened (Beijing time) and a
 * sequence per district and year, e.g. 长宁-2026-000123. Allocated once per case by the case projection: a counter
 * document per district and year (findOneAndUpdate with $inc and upsert, which FerretDB v1 supports) and a guarded
 * set on the case; allocations for one case are serialised by the projection lock, so a case never gets two numbers.
 * A crash between the increment and the set leaves a gap in the sequence, never a duplicate.
 */
import { Schema, model } from 'mongoose';
import { CaseModel } from './case';
import { withProjectionLock } from './projection-lock';

const counterSchema = new Schema({
  _id: { type: String, required: true },
  seq: { type: Number, required: true, default: 0 },
});
export const CaseNumberCounterModel = model('CaseNumberCounter', counterSchema);

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** "长宁区" → "长宁"; a name without the suffix stays as it is. */
export function districtPrefix(districtName: string): string {
  const trimmed = districtName.trim();
  return trimmed.length > 1 && /[区县市旗]$/.test(trimmed) ? trimmed.slice(0, -1) : trimmed;
}

export function formatCaseNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * Takes the next number of the district's year. The case's first projection writes it with the case (a first write
 * that turns out stale leaves a gap, never a duplicate); ensureCaseNumber numbers a case that has none.
 */
export async function allocateCaseNumber(district: { code: string; name: string }, openedAt: Date): Promise<string> {
  const year = new Date(openedAt.getTime() + BEIJING_OFFSET_MS).getUTCFullYear();
  const counter = await CaseNumberCounterModel.findOneAndUpdate(
    { _id: `${district.code}:${year}` },
    { $inc: { seq: 1 } },
    { upsert: true, new: true },
  )
    .lean<{ seq: number }>()
    .exec();
  return formatCaseNumber(districtPrefix(district.name), year, counter!.seq);
}

/** The case's number, allocating it on first call; the same number on every later call. */
export async function ensureCaseNumber(
  workflowId: string,
  district: { code: string; name: string },
  openedAt: Date,
): Promise<string | undefined> {
  const has = await CaseModel.findOne({ workflowId }, { caseNumber: 1 }).lean<{ caseNumber?: string }>().exec();
  if (!has || has.caseNumber) return has?.caseNumber;
  return withProjectionLock(`case-number:${workflowId}`, async () => {
    const again = await CaseModel.findOne({ workflowId }, { caseNumber: 1 }).lean<{ caseNumber?: string }>().exec();
    if (again?.caseNumber) return again.caseNumber;
    const caseNumber = await allocateCaseNumber(district, openedAt);
    await CaseModel.updateOne({ workflowId, caseNumber: { $exists: false } }, { $set: { caseNumber } }).exec();
    return caseNumber;
  });
}

/** The case's readable number if it has one yet (a notice may precede the case's first projection). */
export async function caseNumberOf(workflowId: string): Promise<string | undefined> {
  const found = await CaseModel.findOne({ workflowId }, { caseNumber: 1 }).lean<{ caseNumber?: string }>().exec();
  return found?.caseNumber ?? undefined;
}
