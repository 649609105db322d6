/**
 * Exports of the dashboard (issue #15 item 5): the filtered case list and the district's indicators, as XLSX or CSV.
 * The case export takes the case list's filters (no paging: every case the filters select, within the caller's scope).
 */
import { z } from 'zod';
import { caseListQuery } from './cases';
import { indicatorQuery } from './indicators';

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const format = z.enum(EXPORT_FORMATS).describe('xlsx (Excel workbook) or csv (UTF-8 with BOM)');

export const caseExportQuery = caseListQuery.omit({ page: true, limit: true }).extend({ format });
export const indicatorExportQuery = indicatorQuery.extend({ format });

/** The most cases one export carries; more answers 422 asking for narrower filters. */
export const CASE_EXPORT_LIMIT = 5000;
