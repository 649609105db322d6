/**
 * The ledger's pure pieces (issue #18 item 4): a row's overdue flag and names, the compliance ratio, the export's
 * sheet (names, never codes or ids), and the list filter that a street or committee filter can narrow but never widen.
 */
import { Types } from 'mongoose';
import type { ChildRecord } from '../../../models/child';
import { ledgerListFilter, type LedgerReach } from '../../../models/ledger-repository';
import {
  categoryName,
  complianceViewOf,
  ledgerChildViewOf,
  ledgerPackOf,
  ledgerRowOf,
  ledgerSheet,
  type LedgerNames,
} from '../../../api/read-models/ledger';

const now = new Date('2026-11-30T04:00:00Z');

const names: LedgerNames = {
  street: (d, s) => (d === '310105' && s === 'huayang' ? { zh: '华阳路街道', en: 'Huayang Road' } : null),
  committee: (_d, _s, c) => {
    if (!c) return null;
    return c === 'huayang.1' ? { zh: '华阳路第一居民区', en: 'Huayang 1' } : { zh: c, en: c };
  },
  category: (_d, code) =>
    code === 'disability' ? { code, zh: '残疾儿童', en: 'Disability' } : { code, zh: code, en: code },
};

function child(ledger: Partial<NonNullable<ChildRecord['ledger']>> = {}, extra: Partial<ChildRecord> = {}) {
  return {
    _id: new Types.ObjectId(),
    name: '李小明',
    sex: 'male',
    dateOfBirth: new Date('2016-05-01T00:00:00Z'),
    categories: ['disability'],
    riskLevel: 'medium',
    flags: { leftBehind: true, multipleDifficulty: false, recordSealed: false },
    guardians: [],
    benefits: [],
    ...extra,
    ledger: {
      place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.1' },
      status: 'monitoring',
      source: 'committee',
      missedVisits: 0,
      visits: [],
      transfers: [],
      version: 3,
      ...ledger,
    },
  } as unknown as ChildRecord;
}

describe("a category's name", () => {
  const changning = ledgerPackOf('310105')!;
  const fengtai = ledgerPackOf('110106')!;

  it("is the district pack's label for its own codes", () => {
    const own = changning.categories.find((c) => c.code === 'disability')!;
    expect(categoryName(changning, 'disability')).toEqual({ code: 'disability', zh: own.label.zh, en: own.label.en });
  });

  it("names a code only another district's pack has (a child transferred in) by that pack, with its district", () => {
    expect(fengtai.categories.some((c) => c.code === 'disability')).toBe(false);
    const there = changning.categories.find((c) => c.code === 'disability')!;
    expect(categoryName(fengtai, 'disability')).toEqual({
      code: 'disability',
      zh: `${there.label.zh}（长宁区类别）`,
      en: `${there.label.en} (Changning District category)`,
    });
  });

  it('shows a code no pack knows as it is', () => {
    expect(categoryName(fengtai, 'no-such-category')).toEqual({
      code: 'no-such-category',
      zh: 'no-such-category',
      en: 'no-such-category',
    });
  });
});

describe('a ledger row', () => {
  it('is overdue only while monitored and past its next visit', () => {
    const past = new Date(now.getTime() - 1000);
    const future = new Date(now.getTime() + 1000);
    expect(ledgerRowOf(child({ nextVisitDue: past }), names, now).overdue).toBe(true);
    expect(ledgerRowOf(child({ nextVisitDue: future }), names, now).overdue).toBe(false);
    expect(ledgerRowOf(child({ nextVisitDue: past, status: 'case_open' }), names, now).overdue).toBe(false);
    expect(ledgerRowOf(child({}), names, now)).toMatchObject({ overdue: false, nextVisitDue: null });
  });

  it('names the street, committee and categories; an unknown committee shows its code', () => {
    const row = ledgerRowOf(child(), names, now);
    expect(row).toMatchObject({
      streetName: { zh: '华阳路街道' },
      committeeName: { zh: '华阳路第一居民区' },
      categories: [{ code: 'disability', zh: '残疾儿童', en: 'Disability' }],
      approximateAge: 10,
    });
    const other = ledgerRowOf(
      child({ place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.9' } }),
      names,
      now,
    );
    expect(other.committeeName).toEqual({ zh: 'huayang.9', en: 'huayang.9' });
  });
});

describe("a child's ledger page", () => {
  it('shows no arrangement for a file whose arrangement holds only a visit’s judgement (no caregiver)', () => {
    const stub = child({ arrangement: { adequate: true } } as Partial<NonNullable<ChildRecord['ledger']>>);
    expect(ledgerChildViewOf(stub, names, now).arrangement).toBeNull();
    const kept = child({
      arrangement: { caregiverName: '王秀兰', relation: '祖母', adequate: false },
    } as Partial<NonNullable<ChildRecord['ledger']>>);
    expect(ledgerChildViewOf(kept, names, now).arrangement).toMatchObject({
      caregiverName: '王秀兰',
      relation: '祖母',
      adequate: false,
    });
  });
});

describe('visit compliance', () => {
  it('is the share of a committee’s children whose visit is not past due, 1 for none', () => {
    const view = complianceViewOf(
      {
        committees: [
          { committeeCode: 'huayang.1', children: 4, overdue: 1 },
          { committeeCode: 'huayang.9', children: 0, overdue: 0 },
        ],
        byCategory: [{ code: 'disability', children: 2 }],
        byStreet: [{ streetCode: 'huayang', children: 4 }],
      },
      '310105',
      names,
    );
    expect(view.committees).toEqual([
      {
        committeeCode: 'huayang.1',
        name: { zh: '华阳路第一居民区', en: 'Huayang 1' },
        children: 4,
        overdue: 1,
        compliance: 0.75,
      },
      {
        committeeCode: 'huayang.9',
        name: { zh: 'huayang.9', en: 'huayang.9' },
        children: 0,
        overdue: 0,
        compliance: 1,
      },
    ]);
    expect(view.byCategory).toEqual([{ code: 'disability', zh: '残疾儿童', en: 'Disability', children: 2 }]);
    expect(view.byStreet).toEqual([
      { streetCode: 'huayang', name: { zh: '华阳路街道', en: 'Huayang Road' }, children: 4 },
    ]);
  });
});

describe('the export sheet', () => {
  it('has Chinese headers with English alongside and names, never codes or the child id', () => {
    const row = ledgerRowOf(child({ nextVisitDue: new Date(now.getTime() - 1000) }), names, now);
    const sheet = ledgerSheet([row]);
    expect(sheet.columns.every((c) => /\p{Script=Han}/u.test(c.header.zh) && /[A-Za-z]/.test(c.header.en))).toBe(true);
    expect(sheet.rows).toEqual([
      expect.objectContaining({
        name: '李小明',
        sex: '男 Male',
        street: '华阳路街道 Huayang Road',
        committee: '华阳路第一居民区 Huayang 1',
        categories: '残疾儿童 Disability',
        leftBehind: '是 Yes',
        overdue: '是 Yes',
      }),
    ]);
    const text = JSON.stringify(sheet.rows);
    expect(text).not.toContain(row.childId);
    expect(text).not.toContain('huayang');
  });
});

describe('the ledger list filter', () => {
  const street: LedgerReach = { kind: 'street', districtCode: '310105', streetCode: 'huayang' };
  const committee: LedgerReach = {
    kind: 'committee',
    districtCode: '310105',
    streetCode: 'huayang',
    committeeCode: 'huayang.1',
  };
  it('narrows the reach by a street or committee inside it', () => {
    expect(ledgerListFilter(street, { committeeCode: 'huayang.2' }, now)).toMatchObject({
      'ledger.place.streetCode': 'huayang',
      'ledger.place.committeeCode': 'huayang.2',
    });
    expect(ledgerListFilter(street, { streetCode: 'huayang' }, now)).toMatchObject({
      'ledger.place.streetCode': 'huayang',
    });
  });
  it('matches nothing for a street or committee outside the reach, never another street', () => {
    expect(ledgerListFilter(street, { streetCode: 'xinhua' }, now)).toEqual({ _id: { $in: [] } });
    expect(ledgerListFilter(committee, { committeeCode: 'huayang.2' }, now)).toEqual({ _id: { $in: [] } });
    expect(ledgerListFilter({ kind: 'district', districtCode: '310105' }, { streetCode: 'xinhua' }, now)).toMatchObject(
      { 'ledger.place.districtCode': '310105', 'ledger.place.streetCode': 'xinhua' },
    );
  });
});
