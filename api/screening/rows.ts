/**
 * Validation of a screening upload (FT 三(二)1), pure: the sheet's header row matched to the pack's columns, then
 * every data row checked (ID check digit GB 11643, dates, yes/no and choice cells, required cells, the street and
 * committee against the directory, an ID number twice in one file) with each problem named by row and column.
 * Nothing is written by anyone unless the whole file is clean (api/routes/screening.ts).
 */
import {
  childBirthDateProblem,
  nameProblem,
  normalizeText,
  residentIdBirthDate,
  residentIdProblem,
  textProblem,
} from '../../contracts/text';
import type { ScreeningProblem } from '../../contracts/screening';
import { scoreScreening, type ScreeningScore } from '../../policies/screening';
import type { ScreeningField, ScreeningRule } from '../../policies/schema';

export interface SheetRow {
  /** The spreadsheet's own row number (1 is the header row). */
  row: number;
  cells: string[];
}

export interface Sheet {
  header: string[];
  rows: SheetRow[];
}

/** The streets and committees of the uploading school's district, by name. */
export interface ScreeningDirectory {
  streets: { code: string; name: { zh: string; en: string } }[];
  committees: { streetCode: string; code: string; name: { zh: string; en: string } }[];
}

export const GUARDIAN_RELATION_WORDS: Record<string, string> = {
  父亲: 'father',
  母亲: 'mother',
  祖父母: 'grandparent',
  外祖父母: 'grandparent',
  爷爷: 'grandparent',
  奶奶: 'grandparent',
  外公: 'grandparent',
  外婆: 'grandparent',
  亲属: 'relative',
  受委托成年人: 'entrusted_adult',
  其他: 'other',
  father: 'father',
  mother: 'mother',
  grandparent: 'grandparent',
  relative: 'relative',
  'entrusted adult': 'entrusted_adult',
  other: 'other',
};

const YES = new Set(['是', '有', 'y', 'yes', 'true', '1', '√']);
const NO = new Set(['否', '无', 'n', 'no', 'false', '0', '×', '']);
const SEX: Record<string, 'male' | 'female'> = {
  男: 'male',
  女: 'female',
  male: 'male',
  female: 'female',
  m: 'male',
  f: 'female',
};

export interface ValidScreeningRow {
  row: number;
  name: string;
  idNumber: string;
  sex?: 'male' | 'female';
  dateOfBirth: string;
  grade?: string;
  streetCode: string;
  committeeCode?: string;
  address?: string;
  leftBehind: boolean;
  guardian?: { name: string; relation: string; phone?: string };
  caregiver?: { name: string; relation?: string; phone?: string; since?: string };
  screenedOn: string;
  note?: string;
  score: ScreeningScore;
}

const collapse = (s: string) => normalizeText(s).replace(/\s+/g, ' ').trim();
const both = (b: { zh: string; en: string }) => `${b.zh} ${b.en}`;

/** "2016-05-01", "2016/5/1", "2016.5.1" or "2016年5月1日" as YYYY-MM-DD if it is a real date. */
export function parseDate(value: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Today in Beijing time, as the schools date their screening. */
export function beijingToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

interface Column {
  header: string;
  field?: ScreeningField;
  indicator?: string;
  required: boolean;
}

/** The pack's columns in template order: the fixed fields, then one yes/no column per indicator. */
export function screeningColumns(rule: ScreeningRule): Column[] {
  return [
    ...rule.columns.map((c) => ({ header: both(c.header), field: c.field, required: c.required })),
    ...rule.indicators.map((i) => ({ header: both(i.label), indicator: i.code, required: false })),
  ];
}

function headerMatches(cell: string, column: Column, rule: ScreeningRule): boolean {
  const given = collapse(cell).toLowerCase();
  if (!given) return false;
  const label = column.field
    ? rule.columns.find((c) => c.field === column.field)!.header
    : rule.indicators.find((i) => i.code === column.indicator)!.label;
  return [both(label), label.zh, label.en].some((h) => collapse(h).toLowerCase() === given);
}

export function validateScreening(
  sheet: Sheet,
  rule: ScreeningRule,
  directory: ScreeningDirectory,
  now: Date,
): { problems: ScreeningProblem[]; rows: ValidScreeningRow[] } {
  const problems: ScreeningProblem[] = [];
  const columns = screeningColumns(rule);
  const at = new Map<Column, number>();
  sheet.header.forEach((cell, index) => {
    if (!collapse(cell)) return;
    const column = columns.find((c) => headerMatches(cell, c, rule));
    if (!column) {
      problems.push({ row: 1, column: collapse(cell), message: '不是模板中的列 / is not a column of the template' });
    } else if (at.has(column)) {
      problems.push({ row: 1, column: column.header, message: '此列出现两次 / appears twice' });
    } else at.set(column, index);
  });
  for (const column of columns) {
    if (column.required && !at.has(column))
      problems.push({ row: 1, column: column.header, message: '缺少此必填列 / this required column is missing' });
  }
  if (problems.length) return { problems, rows: [] };

  const today = beijingToday(now);
  const seen = new Map<string, number>();
  const rows: ValidScreeningRow[] = [];
  for (const { row, cells } of sheet.rows) {
    const cell = (field: ScreeningField): string => {
      const column = columns.find((c) => c.field === field);
      const index = column ? at.get(column) : undefined;
      return index === undefined ? '' : collapse(cells[index] ?? '');
    };
    const before = problems.length;
    const problem = (field: ScreeningField | string, message: string) => {
      const column = columns.find((c) => c.field === field || c.indicator === field)!;
      problems.push({ row, column: column.header, message });
    };
    const required = (field: ScreeningField): string => {
      const value = cell(field);
      if (!value) problem(field, '必填 / is required');
      return value;
    };
    const text = (field: ScreeningField, max: number): string | undefined => {
      const value = cell(field);
      if (!value) return undefined;
      const bad = textProblem(value);
      if (bad) problem(field, bad);
      else if (value.length > max) problem(field, `不得超过 ${max} 个字 / at most ${max} characters`);
      return value;
    };
    const personName = (field: ScreeningField, value: string) => {
      const bad = nameProblem(value);
      if (bad) problem(field, `姓名无效 / ${bad}`);
      else if (value.length > 50) problem(field, '不得超过 50 个字 / at most 50 characters');
    };
    const date = (field: ScreeningField, value: string): string | undefined => {
      if (!value) return undefined;
      const parsed = parseDate(value);
      if (!parsed) problem(field, '不是有效日期（如 2026-11-20）/ is not a date such as 2026-11-20');
      else if (parsed > today) problem(field, '不能晚于今天 / lies in the future');
      else if (parsed < '2000-01-01') problem(field, '不能早于 2000 年 / lies before 2000');
      return parsed;
    };
    const yesNo = (field: string, value: string, mandatory: boolean): boolean => {
      const v = value.toLowerCase();
      if (mandatory && !v) return false; // already named as required
      if (YES.has(v)) return true;
      if (!NO.has(v)) problem(field, '请填“是”或“否” / must be 是 (yes) or 否 (no)');
      return false;
    };
    const phone = (field: ScreeningField): string | undefined => {
      const value = cell(field);
      if (value && !/^[0-9+()\- ]{5,20}$/.test(value)) problem(field, '不是有效电话号码 / is not a phone number');
      return value || undefined;
    };

    const name = required('name');
    if (name) personName('name', name);
    const idNumber = required('idNumber').toUpperCase();
    let dateOfBirth = '';
    if (idNumber) {
      const bad = residentIdProblem(idNumber, now);
      if (bad) {
        problem('idNumber', `身份证号无效（GB 11643）/ ${bad}`);
      } else {
        dateOfBirth = residentIdBirthDate(idNumber)!;
        const minor = childBirthDateProblem(dateOfBirth, now);
        if (minor) problem('idNumber', `出生日期${minor.includes('minor') ? '已满 18 周岁' : '无效'} / ${minor}`);
        const first = seen.get(idNumber);
        if (first !== undefined) problem('idNumber', `与第 ${first} 行是同一儿童 / the same child as row ${first}`);
        else seen.set(idNumber, row);
      }
    }
    const sexWord = cell('sex').toLowerCase();
    const sex = sexWord ? SEX[sexWord] : undefined;
    if (sexWord && !sex) problem('sex', '请填“男”或“女” / must be 男 (male) or 女 (female)');
    const givenBirth = cell('dateOfBirth');
    if (givenBirth) {
      const parsed = parseDate(givenBirth);
      if (!parsed) problem('dateOfBirth', '不是有效日期（如 2016-05-01）/ is not a date such as 2016-05-01');
      else if (dateOfBirth && parsed !== dateOfBirth)
        problem('dateOfBirth', '与身份证号中的出生日期不一致 / does not agree with the ID number');
    }
    const grade = text('grade', 50);
    const streetName = required('street');
    const street = streetName
      ? directory.streets.find((s) => s.name.zh === streetName || s.name.en.toLowerCase() === streetName.toLowerCase())
      : undefined;
    if (streetName && !street)
      problem('street', '不是本区的街道（乡镇）/ is not a street or township of this district');
    const committeeName = cell('committee');
    const committee =
      committeeName && street
        ? directory.committees.find(
            (c) =>
              c.streetCode === street.code &&
              (c.name.zh === committeeName || c.name.en.toLowerCase() === committeeName.toLowerCase()),
          )
        : undefined;
    if (committeeName && street && !committee)
      problem('committee', '不是该街道的居（村）委会 / is not a committee of that street');
    const address = text('address', 200);
    const leftBehind = yesNo('leftBehind', required('leftBehind'), true);
    const guardianName = cell('guardianName');
    if (guardianName) personName('guardianName', guardianName);
    const relationWord = cell('guardianRelation');
    const relation = relationWord ? GUARDIAN_RELATION_WORDS[relationWord.toLowerCase()] : undefined;
    if (relationWord && !relation)
      problem(
        'guardianRelation',
        '请填 父亲、母亲、祖父母、亲属、受委托成年人 或 其他 / is not a relation of the list',
      );
    if (guardianName && !relationWord) problem('guardianRelation', '填写监护人时必填 / is required with a guardian');
    const guardianPhone = phone('guardianPhone');
    const caregiverName = cell('caregiverName');
    if (caregiverName) personName('caregiverName', caregiverName);
    const caregiverRelation = text('caregiverRelation', 20);
    const caregiverPhone = phone('caregiverPhone');
    const caregiverSince = date('caregiverSince', cell('caregiverSince'));
    const screenedOn = date('screenedOn', required('screenedOn'));
    const note = text('note', 500);
    const marked = new Set<string>();
    for (const indicator of rule.indicators) {
      const column = columns.find((c) => c.indicator === indicator.code)!;
      const index = at.get(column);
      const value = index === undefined ? '' : collapse(cells[index] ?? '');
      if (yesNo(indicator.code, value, false)) marked.add(indicator.code);
    }
    if (problems.length > before) continue;
    rows.push({
      row,
      name,
      idNumber,
      ...(sex ? { sex } : {}),
      dateOfBirth,
      ...(grade ? { grade } : {}),
      streetCode: street!.code,
      ...(committee ? { committeeCode: committee.code } : {}),
      ...(address ? { address } : {}),
      leftBehind,
      ...(guardianName
        ? { guardian: { name: guardianName, relation: relation!, ...(guardianPhone ? { phone: guardianPhone } : {}) } }
        : {}),
      ...(caregiverName
        ? {
            caregiver: {
              name: caregiverName,
              ...(caregiverRelation ? { relation: caregiverRelation } : {}),
              ...(caregiverPhone ? { phone: caregiverPhone } : {}),
              ...(caregiverSince ? { since: caregiverSince } : {}),
            },
          }
        : {}),
      screenedOn: screenedOn!,
      ...(note ? { note } : {}),
      score: scoreScreening(rule, marked),
    });
  }
  if (!sheet.rows.length) problems.push({ row: 2, column: '', message: '文件中没有数据行 / the file has no rows' });
  return { problems, rows: problems.length ? [] : rows };
}
