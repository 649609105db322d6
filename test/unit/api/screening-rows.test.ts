/**
 * Screening upload validation (api/screening/rows.ts) and the standard's score (policies/screening.ts), read back
 * from real XLSX and CSV files written by exceljs: every problem named by its row and column, nothing passed on from a
 * file with a problem, a clean file's rows scored against the pack.
 */
import { readScreeningFile, screeningTemplate } from '../../../api/screening/sheet';
import { Workbook } from 'exceljs';
import { screeningColumns, validateScreening, type ScreeningDirectory } from '../../../api/screening/rows';
import { scoreScreening } from '../../../policies/screening';
import { loadPolicyPack } from '../../../policies';
import { CHANGNING_SCREENING, childIdNumber, screeningFile, screeningRows } from '../../fixtures/screening';

const NOW = new Date('2026-11-29T04:00:00Z');
const DIRECTORY: ScreeningDirectory = {
  streets: [
    { code: 'huayang', name: { zh: '华阳路街道', en: 'Huayang Road Subdistrict' } },
    { code: 'xinhua', name: { zh: '新华路街道', en: 'Xinhua Road Subdistrict' } },
  ],
  committees: [{ streetCode: 'huayang', code: 'cn-huayang-1', name: { zh: '华阳路街道第一居民区（演示）', en: 'c1' } }],
};

async function check(rows: ReturnType<typeof screeningRows>, format: 'xlsx' | 'csv' = 'xlsx') {
  return validateScreening(
    await readScreeningFile(await screeningFile(rows, format)),
    CHANGNING_SCREENING,
    DIRECTORY,
    NOW,
  );
}

describe('screening upload validation', () => {
  it.each(['xlsx', 'csv'] as const)('a clean %s file passes every row, scored against the pack', async (format) => {
    const rows = screeningRows(30, { reporting: [3] });
    const { problems, rows: valid } = await check(rows, format);
    expect(problems).toEqual([]);
    expect(valid).toHaveLength(30);
    expect(valid[0]).toMatchObject({ row: 2, idNumber: rows[0]!.idNumber, streetCode: 'huayang', leftBehind: true });
    expect(valid[0]!.caregiver).toMatchObject({ name: rows[0]!.caregiverName, since: '2025-09-01' });
    expect(valid[3]!.score).toMatchObject({ reports: true, concerns: ['domestic_violence'], risk: 'high' });
    expect(valid.filter((r) => r.score.reports)).toHaveLength(1);
  });

  it('names every problem by its row and column, and passes no row on', async () => {
    const rows = screeningRows(10);
    rows[0]!.idNumber = rows[0]!.idNumber.slice(0, 17) + (rows[0]!.idNumber[17] === '1' ? '2' : '1');
    rows[1]!.screenedOn = '2026-02-30';
    rows[2]!.leftBehind = '';
    rows[3]!.street = '不存在街道';
    rows[4]!.committee = '另一个居委会';
    rows[5]!.sex = '未知';
    rows[6]!.idNumber = rows[7]!.idNumber;
    rows[8]!.guardianRelation = '邻居';
    rows[9]!.screenedOn = '2027-01-01';
    const { problems, rows: valid } = await check(rows);
    expect(valid).toEqual([]);
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, '身份证号 ID number'],
      [3, '筛查日期 Screening date'],
      [4, '是否留守 Left-behind'],
      [5, '居住街道（乡镇） Street (township) of residence'],
      [6, "居（村）委会 Residents' committee"],
      [7, '性别 Sex'],
      [9, '身份证号 ID number'],
      [10, "监护人关系 Guardian's relation"],
      [11, '筛查日期 Screening date'],
    ]);
    expect(problems[0]!.message).toContain('GB 11643');
    expect(problems[6]!.message).toContain('第 8 行');
    expect(problems[8]!.message).toContain('不能晚于今天');
  });

  it('a missing required column or an unknown one is a problem of the header row', async () => {
    const header = screeningColumns(CHANGNING_SCREENING)
      .map((c) => c.header)
      .filter((h) => !h.startsWith('身份证号'));
    const workbook = new Workbook();
    workbook.addWorksheet('s').addRow([...header, '班主任 Teacher']);
    const sheet = await readScreeningFile(Buffer.from(await workbook.xlsx.writeBuffer()));
    const { problems } = validateScreening(sheet, CHANGNING_SCREENING, DIRECTORY, NOW);
    expect(problems).toEqual([
      { row: 1, column: '班主任 Teacher', message: expect.stringContaining('不是模板中的列') },
      { row: 1, column: '身份证号 ID number', message: expect.stringContaining('缺少') },
    ]);
  });

  it('an adult or a date of birth that disagrees with the ID number is refused', async () => {
    const rows = screeningRows(2);
    const adult = '11010119800101001';
    const { residentIdCheckCharacter } = await import('../../../contracts/text');
    rows[0]!.idNumber = adult + residentIdCheckCharacter(adult);
    rows[1]!.dateOfBirth = '2001-01-01';
    const { problems } = await check(rows);
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, '身份证号 ID number'],
      [3, '出生日期 Date of birth'],
    ]);
  });

  it('the template carries every column with Chinese and English headers, and reads back as an empty file', async () => {
    const sheet = await readScreeningFile(await screeningTemplate(CHANGNING_SCREENING, 'xlsx'));
    expect(sheet.header).toContain('姓名 Name');
    expect(sheet.header).toContain('疑似遭受家庭暴力 Suspected domestic violence');
    expect(sheet.header).toHaveLength(CHANGNING_SCREENING.columns.length + CHANGNING_SCREENING.indicators.length);
    expect(validateScreening(sheet, CHANGNING_SCREENING, DIRECTORY, NOW).problems).toEqual([
      { row: 2, column: '', message: expect.stringContaining('没有数据行') },
    ]);
  });

  it('a file that is neither XLSX nor UTF-8 CSV cannot be read', async () => {
    await expect(readScreeningFile(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0xc3]))).rejects.toThrow('UTF-8');
    expect(childIdNumber(1)).toHaveLength(18);
  });
});

describe('the screening standard (pack 1.3.0)', () => {
  it.each(['cn-changning', 'ft-fengtai'])('%s: any mandatory-report indicator alone reaches the threshold', (id) => {
    const rule = loadPolicyPack(id).screening!;
    for (const indicator of rule.indicators.filter((i) => i.concern)) {
      expect(scoreScreening(rule, new Set([indicator.code]))).toMatchObject({
        reports: true,
        concerns: [indicator.concern],
      });
    }
    expect(rule.interpretation.zh).toContain('解释');
  });

  it('several lesser risks add up: missing guardianship, left behind unattended and poverty reach the threshold', () => {
    const rule = loadPolicyPack('ft-fengtai').screening!;
    expect(scoreScreening(rule, new Set(['guardian_unable', 'left_behind_unattended']))).toMatchObject({
      score: 4,
      reports: false,
      risk: 'high',
      categories: ['guardianship_failure', 'left_behind'],
    });
    expect(
      scoreScreening(rule, new Set(['guardian_unable', 'left_behind_unattended', 'family_poverty'])),
    ).toMatchObject({
      score: 5,
      reports: true,
      concerns: ['lacking_guardianship'],
    });
    expect(scoreScreening(rule, new Set())).toMatchObject({ score: 0, reports: false, risk: 'low', categories: [] });
  });
});
