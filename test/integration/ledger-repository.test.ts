import { randomBytes } from 'node:crypto';
import { AuditEventModel, ChildModel, createChildRepository, ensureIndexes } from '../../models';
import {
  createLedgerRepository,
  getLedgerChild,
  complianceFromCells,
  ledgerCells,
  ledgerCompliance,
  ledgerReachOf,
  readLedgerCompliance,
  type LedgerReach,
  listLedger,
  transferLedgerEntry,
  updateLedgerEntry,
  type LedgerEnrolment,
} from '../../models/ledger-repository';
import { saveIndicatorSnapshot } from '../../models/indicator-snapshot';
import { scopeOf } from '../../models/scope';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real FerretDB: index builds and writes take seconds on a busy 2-core machine

const identityKeys = { encryptionKey: randomBytes(32), hmacKey: randomBytes(32) };
const children = createChildRepository({ identityKeys });
const ledger = createLedgerRepository({ children });

/** A GB 11643 identity number: 17 digits and their check character. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const supervisor = {
  kind: 'user' as const,
  id: 'u-committee',
  role: 'agency_staff',
  agencyCode: 'cn.committee.huayang.1',
};
const street = { kind: 'user' as const, id: 'u-street', role: 'street_coordinator', agencyCode: 'cn.street.huayang' };

function enrolment(id: string, overrides: Partial<LedgerEnrolment> = {}): LedgerEnrolment {
  return {
    identity: { idNumber: id, name: '小华', sex: 'female', districtCode: '310105' },
    place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.1' },
    source: 'committee',
    by: supervisor,
    categories: ['family_poverty'],
    leftBehind: true,
    riskLevel: 'medium',
    arrangement: { caregiverName: '王奶奶', relation: '祖母', phone: '13800000000', since: new Date('2026-03-01') },
    ...overrides,
  };
}

let disconnect: () => Promise<void>;
beforeAll(async () => {
  disconnect = await connectTestDatabase('ledger');
  await ensureIndexes();
});
afterAll(() => disconnect());

describe('the street ledger on the child file', () => {
  it('enrols a child without a report, once, however often the same enrolment comes', async () => {
    const id = idNumber('31010520150301002');
    const first = await ledger.enrolOnLedger(enrolment(id));
    const again = await ledger.enrolOnLedger(enrolment(id));
    expect(first).toMatchObject({ fileCreated: true, enrolled: true, changed: true });
    expect(again).toMatchObject({ childId: first.childId, fileCreated: false, enrolled: false, changed: false });
    const files = await ChildModel.find({ name: '小华' }).lean().exec();
    expect(files).toHaveLength(1);
    expect(files[0].ledger).toMatchObject({
      place: { streetCode: 'huayang', committeeCode: 'huayang.1' },
      status: 'monitoring',
      source: 'committee',
      version: 1,
      arrangement: { caregiverName: '王奶奶', relation: '祖母' },
    });
    expect(files[0].flags?.leftBehind).toBe(true);
    expect(files[0].riskLevel).toBe('medium');
    expect(files[0].history.map((h) => h.event)).toEqual(['file_opened', 'ledger_enrolled']);
    const audits = await AuditEventModel.find({ childId: files[0]._id }).lean().exec();
    expect(audits.map((a) => a.action)).toEqual(['ledger.enrolled']);
  });

  it('enrols concurrently arriving duplicates of one child once', async () => {
    const id = idNumber('31010520160401003');
    const results = await Promise.all([1, 2, 3].map(() => ledger.enrolOnLedger(enrolment(id))));
    expect(new Set(results.map((r) => r.childId)).size).toBe(1);
    expect(results.filter((r) => r.enrolled)).toHaveLength(1);
  });

  it('updates the facts of a child already on the ledger, keeping its place, and guards versions', async () => {
    const id = idNumber('31010520140501004');
    const { childId } = await ledger.enrolOnLedger(enrolment(id));
    const fromScreening = await ledger.enrolOnLedger(
      enrolment(id, {
        source: 'screening',
        by: { kind: 'workflow', id: 'import-1', role: 'system' },
        place: { districtCode: '310105', streetCode: 'xinhua' },
        categories: ['family_poverty', 'disability'],
      }),
    );
    expect(fromScreening).toMatchObject({ enrolled: false, changed: true, onOtherLedger: true });
    expect(fromScreening.child.ledger?.place.streetCode).toBe('huayang');
    expect(fromScreening.child.categories).toEqual(['disability', 'family_poverty']);
    expect(fromScreening.child.ledger?.version).toBe(2);

    await expect(updateLedgerEntry(childId, { leftBehind: false }, street, { expectedVersion: 1 })).rejects.toThrow(
      'version 2',
    );
    const updated = await updateLedgerEntry(childId, { leftBehind: false }, street, { expectedVersion: 2 });
    expect(updated.changed).toBe(true);
    expect(updated.child.flags?.leftBehind).toBe(false);
  });

  it('transfers a moved child to another street: moved, not copied, and audited', async () => {
    const id = idNumber('31010520130601005');
    const { childId } = await ledger.enrolOnLedger(enrolment(id));
    const to = { districtCode: '110106', streetCode: 'fengtai-xiluoyuan' };
    const moved = await transferLedgerEntry(childId, to, street, '随父母迁居丰台区');
    expect(moved.changed).toBe(true);
    expect(moved.child.ledger?.place).toMatchObject(to);
    expect(moved.child.districtCode).toBe('110106');
    expect(moved.child.ledger?.transfers).toHaveLength(1);
    expect((await transferLedgerEntry(childId, to, street, 'again')).changed).toBe(false);

    const huayang = ledgerReachOf(
      scopeOf({
        userId: 's',
        role: 'street_coordinator',
        agencyCode: 'x',
        jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
      }),
    );
    const fengtai = ledgerReachOf(
      scopeOf({ userId: 'd', role: 'district_coordinator', agencyCode: 'x', jurisdiction: { districtCode: '110106' } }),
    );
    const now = new Date();
    const inHuayang = await listLedger(huayang, {}, { page: 1, limit: 100 }, now);
    const inFengtai = await listLedger(fengtai, {}, { page: 1, limit: 100 }, now);
    expect(inHuayang.items.map((c) => String(c._id))).not.toContain(childId);
    expect(inFengtai.items.map((c) => String(c._id))).toEqual([childId]);
    expect(await ChildModel.countDocuments({ 'ledger.transfers.0': { $exists: true } })).toBe(1);
    const audit = await AuditEventModel.findOne({ action: 'ledger.transferred' }).lean().exec();
    expect(audit?.reason).toBe('随父母迁居丰台区');
  });

  it('lists within reach with filters: committee, category, left-behind, risk, overdue visit', async () => {
    const committee = ledgerReachOf(
      scopeOf({
        userId: 'c',
        role: 'agency_staff',
        agencyCode: 'cn.committee.huayang.2',
        jurisdiction: { districtCode: '310105' },
      }),
      {
        type: 'residents_committee',
        level: 'committee',
        jurisdiction: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.2' },
      },
    );
    const a = await ledger.enrolOnLedger(
      enrolment(idNumber('31010520120701006'), {
        place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.2' },
        categories: ['disability'],
        leftBehind: false,
        riskLevel: 'high',
      }),
    );
    await ledger.enrolOnLedger(
      enrolment(idNumber('31010520120801007'), {
        place: { districtCode: '310105', streetCode: 'huayang', committeeCode: 'huayang.2' },
      }),
    );
    await ChildModel.updateOne(
      { _id: a.child._id },
      { $set: { 'ledger.nextVisitDue': new Date('2026-01-01') } },
    ).exec();
    const page = { page: 1, limit: 50 };
    const now = new Date('2026-06-01');
    expect((await listLedger(committee, {}, page, now)).total).toBe(2);
    expect((await listLedger(committee, { category: 'disability' }, page, now)).items.map((c) => c.name)).toHaveLength(
      1,
    );
    expect((await listLedger(committee, { leftBehind: true }, page, now)).total).toBe(1);
    expect((await listLedger(committee, { riskLevel: 'high' }, page, now)).total).toBe(1);
    const overdue = await listLedger(committee, { overdue: true }, page, now);
    expect(overdue.items.map((c) => String(c._id))).toEqual([a.childId]);
    expect(overdue.overdue).toBe(1);
    // The overdue count covers every page: known from the page when it is the whole list, counted otherwise.
    expect((await listLedger(committee, {}, page, now)).overdue).toBe(1);
    expect((await listLedger(committee, { riskLevel: 'high' }, page, now)).overdue).toBe(1);
    expect((await listLedger(committee, { leftBehind: true }, page, now)).overdue).toBe(0);
    // The total is the same whether the page is full (counted), the last one (known from the page) or past the end.
    const pages = await Promise.all([1, 2, 3].map((n) => listLedger(committee, {}, { page: n, limit: 1 }, now)));
    expect(pages.map((p) => [p.items.length, p.total, p.overdue])).toEqual([
      [1, 2, 1],
      [1, 2, 1],
      [0, 2, 1],
    ]);
    expect(new Set(pages.flatMap((p) => p.items.map((c) => String(c._id)))).size).toBe(2);
    // An agency that is neither a committee nor a street office reaches no ledger.
    const police = ledgerReachOf(
      scopeOf({
        userId: 'p',
        role: 'agency_staff',
        agencyCode: 'cn.police.huayang',
        jurisdiction: { districtCode: '310105' },
      }),
      {
        type: 'police_station',
        level: 'street_township',
        jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
      },
    );
    expect((await listLedger(police, {}, page, now)).total).toBe(0);
  });

  it("reads one child's ledger entry by id, and nothing for a file not on a ledger or a malformed id", async () => {
    const on = await ledger.enrolOnLedger(enrolment(idNumber('31010520130101003')));
    const off = await children.findOrCreateChildFile({
      idNumber: idNumber('31010520130201004'),
      name: '小明',
      districtCode: '310105',
    });
    expect(String((await getLedgerChild(on.childId))?._id)).toBe(on.childId);
    expect((await getLedgerChild(on.childId))?.ledger?.place.committeeCode).toBe('huayang.1');
    expect(await getLedgerChild(String(off.child._id))).toBeNull();
    expect(await getLedgerChild('not-an-id')).toBeNull();
  });

  it('counts visit compliance per committee, and children by category and street, within reach', async () => {
    const reach = ledgerReachOf(
      scopeOf({
        userId: 's',
        role: 'street_coordinator',
        agencyCode: 'x',
        jurisdiction: { districtCode: '310105', streetCode: 'changxin' },
      }),
    );
    const place = (committeeCode: string) => ({ districtCode: '310105', streetCode: 'changxin', committeeCode });
    const a = await ledger.enrolOnLedger(
      enrolment(idNumber('31010520110101008'), {
        place: place('changxin.1'),
        categories: ['disability', 'family_poverty'],
      }),
    );
    await ledger.enrolOnLedger(
      enrolment(idNumber('31010520110201009'), { place: place('changxin.1'), categories: ['family_poverty'] }),
    );
    await ledger.enrolOnLedger(
      enrolment(idNumber('31010520110301000'), { place: place('changxin.2'), categories: [] }),
    );
    await ChildModel.updateOne(
      { _id: a.child._id },
      { $set: { 'ledger.nextVisitDue': new Date('2026-01-01') } },
    ).exec();
    const counts = await ledgerCompliance(reach, new Date('2026-06-01'));
    expect(counts.committees).toEqual([
      { committeeCode: 'changxin.1', children: 2, overdue: 1 },
      { committeeCode: 'changxin.2', children: 1, overdue: 0 },
    ]);
    expect(counts.byCategory).toEqual([
      { code: 'family_poverty', children: 2 },
      { code: 'disability', children: 1 },
    ]);
    expect(counts.byStreet).toEqual([{ streetCode: 'changxin', children: 3 }]);
  });
});

describe("the compliance panel from the district's snapshot (issue #18)", () => {
  it('sums the street × committee cells to what the live counts give, for the district, each street and committee', async () => {
    // Beside the children of the tests above: another street, two committees, mixed categories, one past due, and a
    // child with no committee.
    const place = (committeeCode?: string) => ({
      districtCode: '310105',
      streetCode: 'xinhua',
      ...(committeeCode ? { committeeCode } : {}),
    });
    const late = await ledger.enrolOnLedger(
      enrolment(idNumber('31010520100101001'), { place: place('xinhua.1'), categories: ['disability', 'orphan'] }),
    );
    await ledger.enrolOnLedger(
      enrolment(idNumber('31010520100201002'), { place: place('xinhua.2'), categories: ['family_poverty'] }),
    );
    await ledger.enrolOnLedger(enrolment(idNumber('31010520100301003'), { place: place(), categories: [] }));
    await ChildModel.updateOne(
      { _id: late.child._id },
      { $set: { 'ledger.nextVisitDue': new Date('2026-02-01') } },
    ).exec();
    const now = new Date('2026-06-01');
    const cells = await ledgerCells('310105', now);
    const reaches: LedgerReach[] = [
      { kind: 'district', districtCode: '310105' },
      { kind: 'street', districtCode: '310105', streetCode: 'xinhua' },
      { kind: 'street', districtCode: '310105', streetCode: 'changxin' },
      { kind: 'street', districtCode: '310105', streetCode: 'huayang' },
      { kind: 'committee', districtCode: '310105', streetCode: 'xinhua', committeeCode: 'xinhua.1' },
      { kind: 'committee', districtCode: '310105', streetCode: 'changxin', committeeCode: 'changxin.1' },
    ];
    for (const reach of reaches) {
      expect({ reach, counts: complianceFromCells(cells, reach) }).toEqual({
        reach,
        counts: await ledgerCompliance(reach, now),
      });
    }
    expect(complianceFromCells(cells, reaches[1]!).committees).toEqual([
      { committeeCode: '', children: 1, overdue: 0 },
      { committeeCode: 'xinhua.1', children: 1, overdue: 1 },
      { committeeCode: 'xinhua.2', children: 1, overdue: 0 },
    ]);

    // Before the district's first snapshot the panel is counted now; then it is the snapshot's, with its instant.
    expect(await readLedgerCompliance(reaches[0]!, now)).toEqual({
      data: await ledgerCompliance(reaches[0]!, now),
      asOf: now,
    });
    const asOf = new Date('2026-05-31T12:00:00Z');
    await saveIndicatorSnapshot({ districtCode: '310105', asOf, everySeconds: 60, indicators: {}, ledger: cells });
    await ledger.enrolOnLedger(enrolment(idNumber('31010520100401004'), { place: place('xinhua.2') }));
    const read = await readLedgerCompliance(reaches[1]!, now);
    expect(read).toEqual({ data: complianceFromCells(cells, reaches[1]!), asOf });
    expect(read.data.byStreet).toEqual([{ streetCode: 'xinhua', children: 3 }]); // the new child: next snapshot
  });
});
