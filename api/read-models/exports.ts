/**
 * The dashboard's exports (issue #15 item 5): the filtered case list and the district's indicators as rows with
 * Chinese and English column headers and names in place of codes, written to XLSX or CSV by exceljs (never by hand).
 * The rows carry what the case list shows and no more: no child's name or identity, only the case's own fields.
 */
import { Workbook } from 'exceljs';
import type { ExportFormat } from '../../contracts/exports';
import type { Indicators } from '../../contracts/indicators';
import type { CaseRecord } from '../../models/case';
import { listAgencies } from '../../models/agency-directory';
import { listPolicyPacks } from '../../policies';
import { MESSAGES } from '../../web/src/i18n/messages';
import { pinnedPack } from './policy-lookup';

type Bilingual = { zh: string; en: string };
const both = (b: Bilingual) => `${b.zh} ${b.en}`;

/** Words as the web app shows them (web/src/i18n/messages.ts, plain data): one source for both. */
function word(key: string): Bilingual | undefined {
  const zh = (MESSAGES.zh as Record<string, string>)[key];
  const en = (MESSAGES.en as Record<string, string>)[key];
  return zh && en ? { zh, en } : undefined;
}
const named = (prefix: string, code: string) => {
  const w = word(`${prefix}.${code}`);
  return w ? both(w) : code;
};

export interface Sheet {
  name: string;
  columns: { key: string; header: Bilingual; width: number }[];
  rows: Record<string, string | number>[];
}

export const CASE_COLUMNS: Sheet['columns'] = [
  { key: 'caseNumber', header: { zh: '案件编号', en: 'Case number' }, width: 28 },
  { key: 'stage', header: { zh: '阶段', en: 'Stage' }, width: 24 },
  { key: 'risk', header: { zh: '风险', en: 'Risk' }, width: 14 },
  { key: 'district', header: { zh: '区', en: 'District' }, width: 22 },
  { key: 'street', header: { zh: '街道', en: 'Street' }, width: 28 },
  { key: 'categories', header: { zh: '类别', en: 'Categories' }, width: 40 },
  { key: 'openTasks', header: { zh: '未完成任务', en: 'Open tasks' }, width: 12 },
  { key: 'overdueTasks', header: { zh: '超期任务', en: 'Overdue tasks' }, width: 12 },
  { key: 'nextDeadline', header: { zh: '下一期限', en: 'Next deadline' }, width: 22 },
];

/** Beijing/Shanghai time, as the districts read it: "2026-11-29 18:05". */
export function localTime(at: Date | string | null | undefined): string {
  if (!at) return '';
  const shifted = new Date(new Date(at).getTime() + 8 * 60 * 60 * 1000);
  return shifted.toISOString().slice(0, 16).replace('T', ' ');
}

/** The names the case rows need: districts from the policy packs, streets from the directory. */
async function placeNames(): Promise<{ district: Map<string, Bilingual>; street: Map<string, Bilingual> }> {
  const district = new Map(listPolicyPacks().map((p) => [p.district.code, p.district.name]));
  const street = new Map(
    (await listAgencies({ type: 'street_office' }))
      .filter((a) => a.jurisdiction?.districtCode && a.jurisdiction.streetCode)
      .map((a) => [`${a.jurisdiction!.districtCode}/${a.jurisdiction!.streetCode}`, { zh: a.name.zh, en: a.name.en }]),
  );
  return { district, street };
}

export async function caseSheet(cases: CaseRecord[], overdue: Map<string, number>): Promise<Sheet> {
  const names = await placeNames();
  const rows = cases.map((c) => {
    const districtCode = c.jurisdiction?.districtCode ?? '';
    const streetCode = c.jurisdiction?.streetCode ?? '';
    const pack = pinnedPack(c.policyPackId, c.policyPackVersion);
    const categoryName = (code: string) => {
      const rule = pack?.categories.find((r) => r.code === code);
      return rule ? both(rule.label) : code;
    };
    const street = names.street.get(`${districtCode}/${streetCode}`);
    const district = names.district.get(districtCode);
    return {
      caseNumber: c.caseNumber ?? c.workflowId,
      stage: named('stage', c.stage ?? 'awaiting_report'),
      risk: named('risk', c.riskLevel ?? 'unassessed'),
      district: district ? both(district) : districtCode,
      street: street ? both(street) : streetCode,
      categories: (c.categories ?? []).map(categoryName).join('；'),
      openTasks: c.openTaskIds?.length ?? c.openTaskCount ?? 0,
      overdueTasks: overdue.get(c.workflowId) ?? 0,
      nextDeadline: localTime(c.nextDeadline),
    };
  });
  return { name: '案件 Cases', columns: CASE_COLUMNS, rows };
}

export const INDICATOR_COLUMNS: Sheet['columns'] = [
  { key: 'indicator', header: { zh: '指标', en: 'Indicator' }, width: 40 },
  { key: 'item', header: { zh: '项目', en: 'Item' }, width: 40 },
  { key: 'value', header: { zh: '数值', en: 'Value' }, width: 14 },
];

/** The indicators as one row per number, each named. */
export function indicatorSheet(data: Indicators, districtName: Bilingual | undefined): Sheet {
  const rows: Sheet['rows'] = [];
  const add = (indicator: Bilingual, item: string, value: number | null) =>
    rows.push({ indicator: both(indicator), item, value: value ?? '' });
  add({ zh: '区', en: 'District' }, districtName ? both(districtName) : data.districtCode, null);
  add({ zh: '统计于', en: 'As of' }, data.asOf, null);
  for (const [stage, n] of Object.entries(data.casesByStage))
    add({ zh: '各阶段案件数', en: 'Cases by stage' }, named('stage', stage), n ?? 0);
  for (const a of data.overdueByAgency)
    add({ zh: '各单位超期任务', en: 'Overdue tasks by agency' }, both(a.name), a.count);
  for (const [type, n] of Object.entries(data.reportsBySourceType))
    add({ zh: '报告来源', en: 'Reports by source' }, named('unitType', type), n ?? 0);
  // CN 四(一): each reporting unit's reports, late reports and median delay (issue #17 item 6).
  for (const u of data.perReportingUnit ?? []) {
    add({ zh: '各报告单位报告数', en: 'Reports per reporting unit' }, both(u.name), u.reports);
    add({ zh: '各报告单位迟报数', en: 'Late reports per reporting unit' }, both(u.name), u.lateReports);
    add(
      { zh: '各报告单位发现至报告中位时长（分钟）', en: 'Median minutes from discovery to report per unit' },
      both(u.name),
      u.medianMinutesToReport,
    );
  }
  for (const s of data.perStreet) {
    add({ zh: '各街道案件数', en: 'Cases per street' }, both(s.name), s.cases);
    add({ zh: '各街道超期案件', en: 'Overdue cases per street' }, both(s.name), s.overdue);
  }
  const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
  add(
    { zh: '公安接警确认中位时长（分钟）', en: 'Median minutes to police acknowledgement' },
    '',
    round(data.medianMinutesToPoliceAck),
  );
  add(
    { zh: '报告至评估中位时长（小时）', en: 'Median hours from report to assessment' },
    '',
    round(data.medianHoursToAssessment),
  );
  add({ zh: '本周升级次数', en: 'Escalations this week' }, '', data.escalationsThisWeek);
  return { name: '指标 Indicators', columns: INDICATOR_COLUMNS, rows };
}

export const CONTENT_TYPE: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The file: an XLSX workbook of one sheet, or its CSV with a BOM so that Excel reads the Chinese as UTF-8. */
export async function writeSheet(sheet: Sheet, format: ExportFormat): Promise<Buffer> {
  const workbook = new Workbook();
  workbook.creator = 'ChildSafe';
  const worksheet = workbook.addWorksheet(sheet.name);
  worksheet.columns = sheet.columns.map((c) => ({ key: c.key, header: both(c.header), width: c.width }));
  worksheet.getRow(1).font = { bold: true };
  for (const row of sheet.rows) worksheet.addRow(row);
  if (format === 'xlsx') return Buffer.from(await workbook.xlsx.writeBuffer());
  const csv = Buffer.from(await workbook.csv.writeBuffer());
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), csv]);
}
