/**
 * Screening imports and their rows (models/screening.ts). Writes are idempotent without transactions: the import's
 * id is unique (the same file from the same school is one import), rows are unique by (import, position), and a
 * retried chunk does only the rows still pending, each of whose outcome is the same whenever it is done.
 */
import type { Types } from 'mongoose';
import type { ScreeningOutcome } from '../contracts/screening';
import { CaseModel } from './case';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors } from './common';
import { ReportModel } from './report';
import {
  ScreeningImportModel,
  ScreeningRowModel,
  type ScreeningImportRecord,
  type ScreeningRowRecord,
} from './screening';

export type { ScreeningImportRecord, ScreeningRowRecord };
/** A row as read from the store, with its `_id`. */
export type StoredScreeningRow = ScreeningRowRecord & { _id: Types.ObjectId };
export type NewScreeningImport = Omit<ScreeningImportRecord, 'processed' | 'counts' | 'finishedAt' | 'stage'>;
export type NewScreeningRow = Omit<ScreeningRowRecord, 'outcome' | 'childId' | 'receipt' | 'processedAt'>;

export async function findScreeningImport(importId: string): Promise<ScreeningImportRecord | null> {
  return ScreeningImportModel.findById(importId).lean<ScreeningImportRecord>().exec();
}

/** The import, created in stage 'staging' on first sight; `created` is false when the same file came before. */
export async function createScreeningImport(
  record: NewScreeningImport,
): Promise<{ record: ScreeningImportRecord; created: boolean }> {
  try {
    const created = await ScreeningImportModel.create({ ...record, stage: 'staging' });
    return { record: created.toObject<ScreeningImportRecord>(), created: true };
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const existing = await findScreeningImport(record._id);
    if (!existing) throw err;
    return { record: existing, created: false };
  }
}

/** Writes the rows of a staging import; rows already written (an earlier attempt) stay as they are. */
export async function stageScreeningRows(rows: NewScreeningRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    try {
      await ScreeningRowModel.insertMany(rows.slice(i, i + 1000), { ordered: false });
    } catch (err) {
      if (!isOnlyDuplicateKeyErrors(err)) throw err;
    }
  }
}

export async function markScreeningImportRunning(importId: string): Promise<void> {
  await ScreeningImportModel.updateOne({ _id: importId, stage: 'staging' }, { $set: { stage: 'running' } }).exec();
}

export async function screeningImportsOf(agencyCode: string, limit = 20): Promise<ScreeningImportRecord[]> {
  return ScreeningImportModel.find({ agencyCode })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<ScreeningImportRecord[]>()
    .exec();
}

/**
 * The rows of positions [from, to), in order. The positions are listed (`$in`), not a range: the embedded store
 * searches its (importId, seq) index for listed values, while a range it would check on every row of the import
 * (README.md, "What we learned about FerretDB v1"), which made a large import's cost per chunk grow with its size.
 */
export async function screeningRowsBetween(importId: string, from: number, to: number): Promise<StoredScreeningRow[]> {
  const positions = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  return ScreeningRowModel.find({ importId, seq: { $in: positions } })
    .sort({ seq: 1 })
    .lean<StoredScreeningRow[]>()
    .exec();
}

/**
 * A row's outcome, addressed by the row's `_id` alone: the one filter FerretDB v1 hands to SQLite, instead of reading
 * the whole collection of rows (every import's) itself. One update command per row, not one command of many
 * statements: FerretDB v1 keeps each statement's query open until the whole command ends, so a command of a chunk's
 * 100 statements takes all 100 of its SQLite connections and then waits for one more, for ever (bench/README.md,
 * "Ledger at scale"). The chunk writes only rows it read as pending, and a row's outcome is the same whenever it is
 * done (the same child, the same receipt), so two attempts of one chunk at once write the same outcome.
 */
export async function recordScreeningOutcome(
  rowId: Types.ObjectId,
  outcome: { outcome: Exclude<ScreeningOutcome, 'pending'>; childId?: string; receipt?: string },
  at: Date,
): Promise<void> {
  await ScreeningRowModel.updateOne({ _id: rowId }, { $set: { ...outcome, processedAt: at } }).exec();
}

/** Progress: rows up to `processed` are done (chunks run in order, so it only grows). */
export async function recordScreeningProgress(importId: string, processed: number): Promise<void> {
  await ScreeningImportModel.updateOne({ _id: importId }, { $max: { processed } }).exec();
}

/** The children the import put on (or updated on) a ledger, by row order. */
export async function screeningLedgerChildren(importId: string): Promise<string[]> {
  const rows = await ScreeningRowModel.find(
    { importId, outcome: { $in: ['enrolled', 'updated'] } },
    { childId: 1, seq: 1 },
  )
    .sort({ seq: 1 })
    .lean<{ childId?: string }[]>()
    .exec();
  return [...new Set(rows.flatMap((r) => (r.childId ? [r.childId] : [])))];
}

export async function completeScreeningImport(
  importId: string,
  counts: { enrolled: number; updated: number; reported: number },
  at: Date,
): Promise<void> {
  const stored = await ScreeningImportModel.findById(importId, { total: 1 }).lean<{ total: number }>().exec();
  await ScreeningImportModel.updateOne(
    { _id: importId, stage: { $ne: 'completed' } },
    { $set: { stage: 'completed', counts, finishedAt: at, processed: stored?.total ?? 0 } },
  ).exec();
}

/** Outcome counts of the rows done so far. */
export async function screeningCounts(
  importId: string,
): Promise<{ enrolled: number; updated: number; reported: number }> {
  const [enrolled, updated, reported] = await Promise.all(
    (['enrolled', 'updated', 'reported'] as const).map((outcome) =>
      ScreeningRowModel.countDocuments({ importId, outcome }).exec(),
    ),
  );
  return { enrolled: enrolled!, updated: updated!, reported: reported! };
}

export interface ScreeningResult {
  row: number;
  childName: string;
  score: number;
  outcome: ScreeningOutcome;
  receipt?: string;
  caseNumber?: string;
}

/** The result table: every row in the file's order, a reported row with its case number once the case has one. */
export async function screeningResults(importId: string): Promise<ScreeningResult[]> {
  const rows = await ScreeningRowModel.find({ importId }, { row: 1, name: 1, score: 1, outcome: 1, receipt: 1 })
    .sort({ seq: 1 })
    .lean<Pick<ScreeningRowRecord, 'row' | 'name' | 'score' | 'outcome' | 'receipt'>[]>()
    .exec();
  const receipts = rows.flatMap((r) => (r.receipt ? [r.receipt] : []));
  const caseOfReceipt = new Map<string, string>();
  if (receipts.length) {
    const reports = await ReportModel.find(
      { receiptNumber: { $in: receipts } },
      { receiptNumber: 1, caseWorkflowId: 1 },
    )
      .lean<{ receiptNumber: string; caseWorkflowId?: string }[]>()
      .exec();
    const workflowIds = reports.flatMap((r) => (r.caseWorkflowId ? [r.caseWorkflowId] : []));
    const cases = await CaseModel.find({ workflowId: { $in: workflowIds } }, { workflowId: 1, caseNumber: 1 })
      .lean<{ workflowId: string; caseNumber?: string }[]>()
      .exec();
    const numberOf = new Map(cases.flatMap((c) => (c.caseNumber ? [[c.workflowId, c.caseNumber] as const] : [])));
    for (const r of reports) {
      const number = r.caseWorkflowId ? numberOf.get(r.caseWorkflowId) : undefined;
      if (number) caseOfReceipt.set(r.receiptNumber, number);
    }
  }
  return rows.map((r) => ({
    row: r.row,
    childName: r.name,
    score: r.score,
    outcome: r.outcome as ScreeningOutcome,
    ...(r.receipt ? { receipt: r.receipt } : {}),
    ...(r.receipt && caseOfReceipt.has(r.receipt) ? { caseNumber: caseOfReceipt.get(r.receipt)! } : {}),
  }));
}

/** Takes back an import whose workflow never started (Temporal down): its rows and its record, nothing else. */
export async function discardScreeningImport(importId: string): Promise<void> {
  await ScreeningRowModel.deleteMany({ importId }).exec();
  await ScreeningImportModel.deleteOne({ _id: importId, stage: 'staging' }).exec();
}
