import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import {
  AppendOnlyError,
  appendAudit,
  AuditEventModel,
  auditTrailForChild,
  ChildMergeError,
  ChildModel,
  createChildRepository,
  ensureIndexes,
  MissingIdentityError,
  ReportModel,
  reportsForChild,
  saveReport,
  type ReportInput,
} from '../../models';
import { appendAuditMany } from '../../models/audit-repository';
import { UserModel } from '../../models/user';
import { createMongoReportStore } from '../../activities/stores/report-store';
import type { ReportSubmission } from '../../workflows/definitions';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real FerretDB: index builds and writes take seconds on a busy 2-core machine

const identityKeys = { encryptionKey: randomBytes(32), hmacKey: randomBytes(32) };
const children = createChildRepository({ identityKeys });
const ID_NUMBER = '31010520100615123X';
const system = { kind: 'system' as const, id: 'test' };

let disconnect: () => Promise<void>;
beforeAll(async () => {
  disconnect = await connectTestDatabase('childfiles');
  await ensureIndexes();
});
afterAll(() => disconnect());

let receipts = 0;
function report(childId: mongoose.Types.ObjectId | undefined, overrides: Partial<ReportInput> = {}): ReportInput {
  receipts += 1;
  return {
    receiptNumber: `CN-2026-${String(receipts).padStart(6, '0')}`,
    reporter: { name: '王老师', role: 'teacher' },
    reportingUnit: { name: '长宁区演示小学', type: 'school', agencyCode: 'cn.school' },
    concernTypes: ['living_alone'],
    discoveredAt: new Date('2026-11-20T08:00:00Z'),
    reportedAt: new Date('2026-11-20T08:40:00Z'),
    place: { districtCode: '310105', streetCode: 'huayang' },
    account: '学生连续三天独自在家。',
    ...(childId ? { childId } : {}),
    ...overrides,
  };
}

const identity = (idNumber?: string, provisionalKey?: string) => ({
  ...(idNumber ? { idNumber } : {}),
  ...(provisionalKey ? { provisionalKey } : {}),
  name: '小明',
  sex: 'male' as const,
  dateOfBirth: new Date('2010-06-15T00:00:00Z'),
  districtCode: '310105',
  residence: { districtCode: '310105', streetCode: 'huayang' },
});

describe('one file per child (一人一档案)', () => {
  it('puts two reports with the same ID number on one file', async () => {
    const first = await children.findOrCreateChildFile(identity(ID_NUMBER));
    await saveReport(report(first.child._id));
    // The second reporter writes the number with a space and a lower-case x.
    const second = await children.findOrCreateChildFile(identity('310105 20100615123x'));
    await saveReport(report(second.child._id, { concernTypes: ['injury'], reportingUnit: { type: 'hospital' } }));

    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(String(second.child._id)).toBe(String(first.child._id));
    expect(await ChildModel.countDocuments({})).toBe(1);

    const file = await children.getChild(first.child._id);
    expect(file?.reportIds).toHaveLength(2);
    expect(file?.history.map((h) => h.event)).toEqual(['file_opened', 'report_received', 'report_received']);
    expect((await reportsForChild(first.child._id)).map((r) => r.concernTypes[0])).toEqual(['living_alone', 'injury']);
  });

  it('keeps the ID number only encrypted, and records who reveals it', async () => {
    const { child } = await children.findOrCreateChildFile(identity(ID_NUMBER));
    const raw = await mongoose.connection.collection('children').findOne({ _id: child._id });
    expect(JSON.stringify(raw)).not.toContain('31010520100615');
    expect(raw?.idNumberSealed).toMatch(/^v1:/);

    await expect(children.revealIdNumber(child._id, { kind: 'user', id: 'u-1' }, 'court petition')).resolves.toBe(
      ID_NUMBER,
    );
    const trail = await auditTrailForChild(child._id);
    expect(trail.map((e) => [e.action, e.actor?.id, e.reason])).toContainEqual([
      'child.id_number_revealed',
      'u-1',
      'court petition',
    ]);
  });

  it('does not find the file with another HMAC key', async () => {
    const other = createChildRepository({ identityKeys: { ...identityKeys, hmacKey: randomBytes(32) } });
    expect(await other.findChildByIdNumber(ID_NUMBER)).toBeNull();
    expect(await children.findChildByIdNumber(ID_NUMBER)).not.toBeNull();
  });

  it('creates exactly one file when ten reports about the same child arrive at once', async () => {
    const idNumber = '110106201203041234';
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        children.findOrCreateChildFile({ ...identity(idNumber), districtCode: '110106' }),
      ),
    );
    expect(new Set(results.map((r) => String(r.child._id))).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(
      await ChildModel.countDocuments({ identityKey: (await children.findChildByIdNumber(idNumber))?.identityKey }),
    ).toBe(1);
  });

  it('looks many children up in one query, and a file opened after the look-up is found, not doubled', async () => {
    const [known, unknown, late, merged] = [
      '310105201101010015',
      '310105201101010023',
      '310105201101010031',
      '31010520110101004X',
    ];
    const existing = (await children.findOrCreateChildFile(identity(known))).child;
    const target = (await children.findOrCreateChildFile(identity(merged))).child;
    const provisional = (await children.findOrCreateChildFile(identity(undefined, 'CN-P-lookup'))).child;
    await children.mergeProvisionalChild({
      provisionalId: provisional._id,
      targetId: target._id,
      actor: system,
      reason: 'same child',
    });

    const lookup = await children.lookUpChildFiles([
      identity(known),
      identity(unknown),
      identity(late),
      identity(undefined, 'CN-P-lookup'),
    ]);
    expect(String(lookup.get(identity(known))?._id)).toBe(String(existing._id));
    expect(lookup.get(identity(unknown))).toBeNull();
    expect(lookup.get(identity(merged))).toBeUndefined(); // not looked up
    expect(String(lookup.get(identity(undefined, 'CN-P-lookup'))?._id)).toBe(String(target._id));

    // Another writer opens a file after the look-up: the look-up's "none" meets the unique index and finds it.
    const opened = (await children.findOrCreateChildFile(identity(late))).child;
    const again = await children.findOrCreateChildFile(identity(late), lookup);
    expect(again.created).toBe(false);
    expect(String(again.child._id)).toBe(String(opened._id));
    const created = await children.findOrCreateChildFile(identity(unknown), lookup);
    expect(created.created).toBe(true);
    const found = await children.findOrCreateChildFile(identity(known), lookup);
    expect(found.created).toBe(false);
    expect(String(found.child._id)).toBe(String(existing._id));
    for (const idNumber of [known, unknown, late])
      expect(
        await ChildModel.countDocuments({ identityKey: (await children.findChildByIdNumber(idNumber))?.identityKey }),
      ).toBe(1);
  });

  it('refuses a child with neither an ID number nor a provisional key', async () => {
    await expect(children.findOrCreateChildFile(identity())).rejects.toBeInstanceOf(MissingIdentityError);
  });
});

describe('saving reports', () => {
  it('saves a report once per receipt number and links it to the file once', async () => {
    const { child } = await children.findOrCreateChildFile(identity('310105201001011111'));
    const input = report(child._id);
    const first = await saveReport(input);
    const retry = await saveReport({ ...input, account: 'a retried call with a changed account' });

    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.report.account).toBe(input.account);
    expect(await ReportModel.countDocuments({ receiptNumber: input.receiptNumber })).toBe(1);
    expect((await children.getChild(child._id))?.reportIds).toHaveLength(1);
  });

  it('saves once when the same report is submitted concurrently', async () => {
    const input = report(undefined);
    const results = await Promise.all(Array.from({ length: 5 }, () => saveReport(input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ReportModel.countDocuments({ receiptNumber: input.receiptNumber })).toBe(1);
  });
});

describe("the intake's report store (recordReport)", () => {
  const store = createMongoReportStore({ children });
  let filings = 0;
  const submission = (idNumber: string, staffId: string): ReportSubmission => {
    filings += 1;
    return {
      idempotencyKey: `store-test-${filings}`,
      receipt: `CS-TEST-STOR-${String(filings).padStart(4, '0')}`,
      child: { name: '小红', idNumber },
      reporter: { unitId: 'cn.school', unitType: 'school', staffId, unitName: '长宁区演示小学' },
      place: { districtCode: '310105', streetCode: 'huayang' },
      concerns: ['living_alone'],
      discoveredAt: '2026-11-20T08:00:00.000Z',
      receivedAt: '2026-11-20T08:40:00.000Z',
      leftBehind: false,
      narrative: '学生连续三天独自在家。',
      filed: { actorRole: 'mandated_reporter', requestId: `req-${filings}` },
    };
  };

  it("records the filer's name, and is idempotent", async () => {
    const staff = await UserModel.create({
      email: `store-test-${randomBytes(4).toString('hex')}@example.test`,
      displayName: '赵老师',
      role: 'mandated_reporter',
      agencyCode: 'cn.school',
      jurisdiction: { districtCode: '310105' },
      passwordHash: 'not-a-real-hash',
    });
    const first = submission('310105201203041234', String(staff._id));
    const opened = await store.recordReport(first);
    // A retry of the same submission: the same report and file.
    const retried = await store.recordReport(first);
    expect(retried).toEqual({ reportId: opened.reportId, childId: opened.childId, receipt: opened.receipt });
    // Another report about the same child joins the file.
    const second = await store.recordReport(submission('310105201203041234', String(staff._id)));
    expect(second.childId).toBe(opened.childId);

    const saved = await ReportModel.findById(opened.reportId).lean();
    expect(saved?.reporter).toMatchObject({ name: '赵老师', email: staff.email });
    expect(await ReportModel.countDocuments({ receiptNumber: first.receipt })).toBe(1);
    expect((await ChildModel.findById(opened.childId).lean())?.reportIds).toHaveLength(2);
    expect(await AuditEventModel.countDocuments({ eventKey: `${first.idempotencyKey}:filed` })).toBe(1);

    // A renamed filer is named by the next report (the write stamps the accounts, the cached name is dropped).
    await UserModel.updateOne({ _id: staff._id }, { $set: { displayName: '赵主任' } });
    const renamed = await store.recordReport(submission('310105201107084568', String(staff._id)));
    expect((await ReportModel.findById(renamed.reportId).lean())?.reporter?.name).toBe('赵主任');
  });
});

describe('provisional files', () => {
  it('gives a child reported without an ID number a provisional file, found again by the same report key', async () => {
    const first = await children.findOrCreateChildFile(identity(undefined, 'CN-P-1'));
    const retry = await children.findOrCreateChildFile(identity(undefined, 'CN-P-1'));
    const another = await children.findOrCreateChildFile(identity(undefined, 'CN-P-2'));
    expect(first.child.provisional).toBe(true);
    expect(first.child.idNumberSealed).toBeUndefined();
    expect(String(retry.child._id)).toBe(String(first.child._id));
    expect(retry.created).toBe(false);
    expect(String(another.child._id)).not.toBe(String(first.child._id));
  });

  it('merges into the identified file without losing either history, and records the merge', async () => {
    const idNumber = '310105200905052222';
    const provisional = (await children.findOrCreateChildFile(identity(undefined, 'CN-P-merge'))).child;
    const provisionalReport = await saveReport(report(provisional._id, { concernTypes: ['missing'] }));
    await ChildModel.updateOne({ _id: provisional._id }, { $set: { categories: ['guardianship_failure'] } });

    const identified = (await children.findOrCreateChildFile(identity(idNumber))).child;
    const identifiedReport = await saveReport(report(identified._id, { concernTypes: ['injury'] }));

    const actor = { kind: 'user' as const, id: 'caseworker-7' };
    const merged = await children.mergeProvisionalChild({
      provisionalId: provisional._id,
      targetId: identified._id,
      actor,
      reason: 'same child confirmed by the school',
    });

    expect(merged.reportIds.map(String).sort()).toEqual(
      [String(provisionalReport.report._id), String(identifiedReport.report._id)].sort(),
    );
    expect(merged.history.map((h) => [h.event, h.fromChildId ? 'from-provisional' : 'own'])).toEqual([
      ['file_opened', 'own'],
      ['report_received', 'own'],
      ['provisional_file_opened', 'from-provisional'],
      ['report_received', 'from-provisional'],
      ['merged_from_provisional', 'from-provisional'],
    ]);
    expect(merged.categories).toEqual(['guardianship_failure']);
    expect(merged.mergedFrom.map(String)).toEqual([String(provisional._id)]);

    const old = await children.getChild(provisional._id);
    expect(String(old?.mergedInto)).toBe(String(identified._id));
    expect(old?.history.map((h) => h.event)).toEqual(['provisional_file_opened', 'report_received', 'merged_into']);

    const movedReport = await ReportModel.findById(provisionalReport.report._id).lean();
    expect(String(movedReport?.childId)).toBe(String(identified._id));
    expect(String(movedReport?.provisionalChildId)).toBe(String(provisional._id));

    const trail = await auditTrailForChild(identified._id);
    expect(trail.filter((e) => e.action === 'child.merged')).toEqual([
      expect.objectContaining({ actor: actor, reason: 'same child confirmed by the school' }),
    ]);

    // A retried merge (e.g. an activity retry) changes nothing.
    const again = await children.mergeProvisionalChild({
      provisionalId: provisional._id,
      targetId: identified._id,
      actor,
      reason: 'same child confirmed by the school',
    });
    expect(again.history).toHaveLength(merged.history.length);
    expect(await AuditEventModel.countDocuments({ action: 'child.merged', childId: identified._id })).toBe(1);

    // A late retry of the provisional report's lookup lands on the identified file.
    const late = await children.findOrCreateChildFile(identity(undefined, 'CN-P-merge'));
    expect(String(late.child._id)).toBe(String(identified._id));
  });

  it('refuses to merge an identified file or into a provisional one', async () => {
    const a = (await children.findOrCreateChildFile(identity('310105201111113333'))).child;
    const b = (await children.findOrCreateChildFile(identity('310105201111114444'))).child;
    const p = (await children.findOrCreateChildFile(identity(undefined, 'CN-P-refuse'))).child;
    const q = (await children.findOrCreateChildFile(identity(undefined, 'CN-P-refuse-2'))).child;
    const req = { actor: system, reason: 'test' };
    await expect(
      children.mergeProvisionalChild({ ...req, provisionalId: a._id, targetId: b._id }),
    ).rejects.toBeInstanceOf(ChildMergeError);
    await expect(
      children.mergeProvisionalChild({ ...req, provisionalId: p._id, targetId: q._id }),
    ).rejects.toBeInstanceOf(ChildMergeError);
  });

  it('refuses to merge a provisional file a second time into a different file', async () => {
    const p = (await children.findOrCreateChildFile(identity(undefined, 'CN-P-twice'))).child;
    const a = (await children.findOrCreateChildFile(identity('310105201212125555'))).child;
    const b = (await children.findOrCreateChildFile(identity('310105201212126666'))).child;
    await children.mergeProvisionalChild({ provisionalId: p._id, targetId: a._id, actor: system, reason: 'first' });
    await expect(
      children.mergeProvisionalChild({ provisionalId: p._id, targetId: b._id, actor: system, reason: 'second' }),
    ).rejects.toThrow(/already merged/);
  });
});

describe('the audit log', () => {
  it('records an event once per idempotency key', async () => {
    const entry = { key: 'wf-1:notify-police', actor: system, action: 'case.notified', caseWorkflowId: 'wf-1' };
    expect(await appendAudit(entry)).toEqual({ recorded: true });
    expect(await appendAudit(entry)).toEqual({ recorded: false });
    expect(await AuditEventModel.countDocuments({ eventKey: entry.key })).toBe(1);
  });

  it('records a batch in one insert, each event once per key: a retried batch adds only the events not yet there', async () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const event = (n: number) => ({ key: `wf-batch:${n}`, actor: system, action: `batch.e${n}`, at });
    await appendAuditMany([event(1), event(2)]);
    // A retry after a partial write: 1 and 2 are there, 3 is new.
    await appendAuditMany([event(1), event(2), event(3)]);
    await appendAuditMany([event(1), event(2), event(3)]);
    const stored = await AuditEventModel.find({ eventKey: /^wf-batch:/ }).lean();
    expect(stored.map((e) => e.eventKey).sort()).toEqual(['wf-batch:1', 'wf-batch:2', 'wf-batch:3']);
  });

  it('refuses updates and deletes', async () => {
    await appendAudit({ key: 'append-only', actor: system, action: 'x' });
    await expect(
      AuditEventModel.updateOne({ eventKey: 'append-only' }, { $set: { action: 'y' } }),
    ).rejects.toBeInstanceOf(AppendOnlyError);
    await expect(AuditEventModel.deleteMany({})).rejects.toBeInstanceOf(AppendOnlyError);
    const doc = await AuditEventModel.findOne({ eventKey: 'append-only' });
    if (!doc) throw new Error('missing event');
    doc.action = 'changed';
    await expect(doc.save()).rejects.toBeInstanceOf(AppendOnlyError);
  });
});
