/**
 * The screening files, read and written by exceljs (the library the exports use; no hand-written XLSX or CSV
 * parsing): the template with Chinese headers and English alongside, a hint row's worth of guidance in cell notes,
 * and an upload read back into header and rows of text. XLSX is recognised by its content (a ZIP), anything else is
 * read as UTF-8 CSV (a BOM is dropped).
 */
import { Readable } from 'node:stream';
import { Workbook, type CellValue } from 'exceljs';
import type { ExportFormat } from '../../contracts/exports';
import type { ScreeningRule } from '../../policies/schema';
import { screeningColumns, type Sheet } from './rows';

const both = (b: { zh: string; en: string }) => `${b.zh} ${b.en}`;

export async function screeningTemplate(rule: ScreeningRule, format: ExportFormat): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'ChildSafe';
  const sheet = workbook.addWorksheet('筛查 Screening');
  const columns = screeningColumns(rule);
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.header, width: Math.max(14, c.header.length + 4) }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    const hint = c.field ? rule.columns.find((r) => r.field === c.field)?.hint : { zh: '是 / 否', en: 'yes / no' };
    const note = [c.required ? '必填 Required' : '选填 Optional', hint ? both(hint) : ''].filter(Boolean).join('\n');
    header.getCell(i + 1).note = note;
    // ID numbers and dates typed into the sheet stay text: an 18-digit number would lose its last digits.
    sheet.getColumn(i + 1).numFmt = '@';
  });
  if (format === 'xlsx') return Buffer.from(await workbook.xlsx.writeBuffer());
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(await workbook.csv.writeBuffer())]);
}

/** A cell as the text a person sees: dates as YYYY-MM-DD, rich text joined, a formula's result. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText((value.result ?? null) as CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
  }
  return String(value as unknown);
}

export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

export const isXlsx = (bytes: Buffer) => bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;

export async function readScreeningFile(bytes: Buffer): Promise<Sheet> {
  const workbook = new Workbook();
  try {
    if (isXlsx(bytes)) {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } else {
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      if (text.includes('\uFFFD')) throw new UnreadableFileError('the CSV is not UTF-8 text');
      // Every value stays the text it was: no guessing of numbers or dates (an ID number must keep its 18 digits).
      await workbook.csv.read(Readable.from([text]), { map: (value: unknown) => value });
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError('the file is neither an XLSX workbook nor a CSV file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableFileError('the workbook has no sheet');
  const width = sheet.columnCount;
  const textsOf = (r: number) =>
    Array.from({ length: width }, (_, i) => cellText(sheet.getRow(r).getCell(i + 1).value).trim());
  const header = sheet.rowCount ? textsOf(1) : [];
  const rows: Sheet['rows'] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const cells = textsOf(r);
    if (cells.some((c) => c !== '')) rows.push({ row: r, cells });
  }
  return { header, rows };
}
