/**
 * School screening (FT 三(二)1, issue #18 item 2): the template, the upload's error table and the import's progress
 * and result table. An upload with any bad row is 400 with `details.problems` (row and column of each) and writes
 * nothing; a good one answers the import, whose rows then go to the ledger or become reports as it runs.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from './exports';
import { textProblem } from './text';

export const screeningTemplateQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).describe('xlsx (Excel workbook) or csv (UTF-8 with BOM)'),
});

export const screeningUploadQuery = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(200)
    .refine((v) => !/[/\\]/.test(v) && !textProblem(v), 'a file name: no folders, no control characters')
    .describe("The file's name as the school chose it (shown in the import list)"),
});

/** One problem of an upload: the spreadsheet's row number (1 = the header row) and the column's header. */
export const screeningProblem = z.object({
  row: z.number().int().positive(),
  column: z.string(),
  message: z.string(),
});
export type ScreeningProblem = z.infer<typeof screeningProblem>;

/** The most data rows one upload may carry, and its largest file. */
export const SCREENING_MAX_ROWS = 20_000;
export const SCREENING_MAX_BYTES = 10 * 1024 * 1024;

export const SCREENING_OUTCOMES = ['pending', 'enrolled', 'updated', 'reported'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

export const SCREENING_IMPORT_STATUSES = ['running', 'completed'] as const;

export const screeningCounts = z.object({
  enrolled: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  reported: z.number().int().nonnegative(),
});

export const screeningImportView = z.object({
  importId: z.string(),
  fileName: z.string(),
  status: z.enum(SCREENING_IMPORT_STATUSES),
  total: z.number().int().nonnegative(),
  processed: z.number().int().nonnegative(),
  counts: screeningCounts,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  /** True when this upload was a file the school had already imported: nothing changed. */
  repeated: z.boolean().optional(),
});
export type ScreeningImportView = z.infer<typeof screeningImportView>;

export const screeningResultRow = z.object({
  row: z.number().int().positive(),
  childName: z.string(),
  score: z.number().int().nonnegative(),
  outcome: z.enum(SCREENING_OUTCOMES),
  /** For a reported row: the receipt of its report, and the case number once the case has one. */
  receipt: z.string().optional(),
  caseNumber: z.string().optional(),
});
export type ScreeningResultRow = z.infer<typeof screeningResultRow>;

export const screeningImportDetail = screeningImportView.extend({ results: z.array(screeningResultRow) });
export type ScreeningImportDetail = z.infer<typeof screeningImportDetail>;

export const screeningImportParams = z.strictObject({ importId: z.string().regex(/^[0-9a-f]{32}$/) });
