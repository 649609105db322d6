/**
 * Pack lint (issue #16): every `clause` in every pack version names a section that exists in that district's text,
 * or is marked as borrowed with its source; every `quote` is the Chinese text of that section, verbatim. The section
 * marks of each seed are listed here by hand from policies/sources/ (the two district texts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { getPolicyPack, listPolicyPacks } from '../../../policies';

/** 长府〔2017〕59号: 一–五; 三(一)–(五) with 三(五)1–2; 四(一)–(四) with 四(四)1–3; 五(一)–(四). */
const CN_SECTIONS = [
  '一',
  '二',
  '三',
  '三(一)',
  '三(二)',
  '三(三)',
  '三(四)',
  '三(五)',
  '三(五)1',
  '三(五)2',
  '四',
  '四(一)',
  '四(二)',
  '四(三)',
  '四(四)',
  '四(四)1',
  '四(四)2',
  '四(四)3',
  '五',
  '五(一)',
  '五(二)',
  '五(三)',
  '五(四)',
];

/** 丰政发〔2017〕17号: 一(一)–(二); 二(一)1–8, 二(二); 三(一)1–4 with 4(1)–(3); 三(二)1–5; 三(三)1–4 with 2(1)–(11), 3(1)–(3); 三(四)1–3. */
const FT_SECTIONS = [
  '一',
  '一(一)',
  '一(二)',
  '二',
  '二(一)',
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `二(一)${n}`),
  '二(二)',
  '三',
  '三(一)',
  '三(一)1',
  '三(一)2',
  '三(一)3',
  '三(一)4',
  '三(一)4(1)',
  '三(一)4(2)',
  '三(一)4(3)',
  '三(二)',
  ...[1, 2, 3, 4, 5].map((n) => `三(二)${n}`),
  '三(三)',
  ...[1, 2, 3, 4].map((n) => `三(三)${n}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => `三(三)2(${n})`),
  '三(三)3(1)',
  '三(三)3(2)',
  '三(三)3(3)',
  '三(四)',
  '三(四)1',
  '三(四)2',
  '三(四)3',
];

const SECTIONS: Record<string, string[]> = { CN: CN_SECTIONS, FT: FT_SECTIONS };
const PREFIX: Record<string, 'CN' | 'FT'> = { 'cn-changning': 'CN', 'ft-fengtai': 'FT' };
const DOCUMENT: Record<string, string> = { CN: '长府〔2017〕59号', FT: '丰政发〔2017〕17号' };
const SOURCE: Record<string, string> = { CN: 'cn-changning.txt', FT: 'ft-fengtai.txt' };

/** The seed's text without whitespace (the originals break lines and put spaces around numbers). */
const text = (district: string) =>
  fs.readFileSync(path.join(__dirname, '../../../policies/sources', SOURCE[district]!), 'utf8').replace(/\s+/g, '');

/** "CN 四(四)3 (a)" → { district: "CN", section: "四(四)3" }; a national document has no district. */
function parse(clause: string): { district?: string; section: string } {
  const match = /^(CN|FT) (\S+)/.exec(clause);
  return match
    ? { district: match[1], section: match[2]!.replace(/（/g, '(').replace(/）/g, ')') }
    : { section: clause };
}

interface Cited {
  path: string;
  clause: string;
  quote?: string;
  borrowedFrom?: { document: string };
  interpretation?: unknown;
}

/** Every object in the pack with a `clause`, and the path to it. */
function cited(value: unknown, at = ''): Cited[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => cited(v, `${at}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const own = typeof record.clause === 'string' ? [{ ...(record as object), path: at } as Cited] : [];
  return [...own, ...Object.entries(record).flatMap(([k, v]) => cited(v, `${at}.${k}`))];
}

describe('the section marks the lint holds', () => {
  it.each(['CN', 'FT'])('match headings that exist in the %s text', (district) => {
    const body = text(district);
    // Spot-check that the top-level and numbered headings are really there, in order.
    const heads = district === 'CN' ? ['一、', '二、', '三、', '四、', '五、'] : ['一、', '二、', '三、'];
    let from = 0;
    for (const head of heads) {
      const found = body.indexOf(head, from);
      expect({ head, found: found >= 0 }).toEqual({ head, found: true });
      from = found;
    }
    if (district === 'CN') expect(body).toContain('3、提供法律支撑');
    else expect(body).toContain('（2）落实困境儿童监护职责');
  });
});

describe.each(listPolicyPacks().map((p) => [`${p.id}@${p.version}`, p.id, p.version] as const))(
  'pack %s',
  (_name, id, version) => {
    const own = PREFIX[id]!;
    const pack = getPolicyPack(id, version);
    const entries = cited(pack);
    // 1.0.0 is frozen for the cases pinned to it: its citations are checked for existence only (issue #16).
    const current = version !== '1.0.0';

    it('cites in every clause a section that exists in its district text, or the source it borrowed from', () => {
      const bad = entries.flatMap((e) => {
        const { district, section } = parse(e.clause);
        if (district === undefined)
          return e.borrowedFrom && /〔\d{4}〕/.test(e.clause) ? [] : [`${e.path}: ${e.clause} is not a known source`];
        if (!SECTIONS[district]!.includes(section)) return [`${e.path}: ${e.clause} names no section of ${district}`];
        if (current && district !== own && e.borrowedFrom?.document !== DOCUMENT[district])
          return [`${e.path}: ${e.clause} is borrowed from ${district} without saying so`];
        return [];
      });
      expect(bad).toEqual([]);
    });

    if (current) {
      it('quotes each cited clause verbatim from the text it cites', () => {
        const quoted = entries.filter((e) => e.quote !== undefined);
        expect(quoted.length).toBeGreaterThan(5);
        const bad = quoted.flatMap((e) => {
          const district = parse(e.clause).district ?? own;
          return text(district).includes(e.quote!.replace(/\s+/g, '')) ? [] : [`${e.path}: not in ${district}`];
        });
        expect(bad).toEqual([]);
      });

      it('marks every borrowed rule as an interpretation saying why', () => {
        const borrowed = entries.filter((e) => e.borrowedFrom);
        for (const e of borrowed) expect({ path: e.path, why: e.borrowedFrom }).toMatchObject({ why: { why: {} } });
      });
    }
  },
);
