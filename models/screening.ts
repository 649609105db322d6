/**
 * School screening imports (FT 三(二)1): one record per import (a school's file, identified by the school and the
 * file's content, so the same file again is the same import) and one per row, staged once the whole file validated. The
 * import workflow (workflows/screening-import.workflow.ts) works through the rows in chunks; each row keeps its
 * outcome (enrolled / updated on the ledger, or reported with the report's receipt), so a retried chunk answers what
 * it did the first time. Identity numbers are sealed like the child's file (models/identity-crypto.ts).
 */
import { Schema, model, type InferSchemaType } from 'mongoose';
import { SCREENING_OUTCOMES } from '../contracts/screening';

export const SCREENING_IMPORT_STAGES = ['staging', 'running', 'completed'] as const;

const countsSchema = new Schema(
  {
    enrolled: { type: Number, required: true, default: 0 },
    updated: { type: Number, required: true, default: 0 },
    reported: { type: Number, required: true, default: 0 },
  },
  { _id: false },
);

const screeningImportSchema = new Schema({
  /** Hex digest of the school's agency code and the SHA-256 of the file's rows as read (fileHash: of its bytes). */
  _id: { type: String, required: true },
  agencyCode: { type: String, required: true },
  agencyType: { type: String, required: true },
  agencyName: { type: String, required: true },
  districtCode: { type: String, required: true },
  uploadedBy: { type: String, required: true },
  fileName: { type: String, required: true },
  fileHash: { type: String, required: true },
  packId: { type: String, required: true },
  packVersion: { type: String, required: true },
  total: { type: Number, required: true },
  /** staging: rows being written; running: the workflow has them; completed: every row has its outcome. */
  stage: { type: String, enum: SCREENING_IMPORT_STAGES, required: true },
  processed: { type: Number, required: true, default: 0 },
  counts: { type: countsSchema, required: true, default: () => ({}) },
  createdAt: { type: Date, required: true },
  finishedAt: Date,
});
// The school's imports, newest first (GET /screening/imports).
screeningImportSchema.index({ agencyCode: 1, createdAt: -1 });

const personSchema = new Schema(
  { name: { type: String, required: true }, relation: String, phone: String, since: String },
  { _id: false },
);

const screeningRowSchema = new Schema({
  importId: { type: String, required: true },
  /** 0-based position in the import: the chunks are ranges of it. */
  seq: { type: Number, required: true },
  /** The spreadsheet's row number, as the school sees it. */
  row: { type: Number, required: true },
  name: { type: String, required: true },
  idNumberSealed: { type: String, required: true },
  sex: String,
  dateOfBirth: { type: String, required: true },
  grade: String,
  streetCode: { type: String, required: true },
  committeeCode: String,
  address: String,
  leftBehind: { type: Boolean, required: true },
  guardian: personSchema,
  caregiver: personSchema,
  screenedOn: { type: String, required: true },
  note: String,
  score: { type: Number, required: true },
  marked: { type: [String], default: [] },
  reports: { type: Boolean, required: true },
  concerns: { type: [String], default: [] },
  risk: { type: String, required: true },
  categories: { type: [String], default: [] },
  /** For a reporting row: where its report goes, as the API routed it (api/intake/routing.ts). */
  routing: Schema.Types.Mixed,
  outcome: { type: String, enum: SCREENING_OUTCOMES, required: true, default: 'pending' },
  childId: String,
  receipt: String,
  processedAt: Date,
});
// One row per position of an import; a chunk reads a range of it (importChunk).
screeningRowSchema.index({ importId: 1, seq: 1 }, { unique: true });

export type ScreeningImportRecord = InferSchemaType<typeof screeningImportSchema>;
export type ScreeningRowRecord = InferSchemaType<typeof screeningRowSchema>;
export const ScreeningImportModel = model('ScreeningImport', screeningImportSchema);
export const ScreeningRowModel = model('ScreeningRow', screeningRowSchema);
