import mongoose from 'mongoose';
import {
  CaseModel,
  ensureIndexes,
  getCaseProjection,
  getTaskProjection,
  ProjectionVersionError,
  upsertCaseProjection,
  upsertTaskProjection,
} from '../../models';
import { connectTestDatabase } from '../helpers/mongo';

jest.setTimeout(60_000); // the real FerretDB: index builds and writes take seconds on a busy 2-core machine

let disconnect: () => Promise<void>;
beforeAll(async () => {
  disconnect = await connectTestDatabase('projections');
  await ensureIndexes();
});
afterAll(() => disconnect());

const childId = new mongoose.Types.ObjectId();

describe('versioned case projection', () => {
  it('creates the projection on its first version', async () => {
    expect(
      await upsertCaseProjection('case-1', 1, {
        childId,
        stage: 'reported',
        policyPackId: 'cn-changning',
        policyPackVersion: '1.0.0',
        jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
        openTaskCount: 1,
      }),
    ).toBe('applied');
    expect(await getCaseProjection('case-1')).toMatchObject({
      stage: 'reported',
      projectionVersion: 1,
      openTaskCount: 1,
    });
  });

  it('applies a newer version and ignores an older one that arrives late', async () => {
    expect(await upsertCaseProjection('case-1', 3, { stage: 'assessing', openTaskCount: 2 })).toBe('applied');
    expect(await upsertCaseProjection('case-1', 2, { stage: 'responding', openTaskCount: 5 })).toBe('stale');
    expect(await getCaseProjection('case-1')).toMatchObject({
      stage: 'assessing',
      openTaskCount: 2,
      projectionVersion: 3,
      policyPackVersion: '1.0.0',
    });
  });

  it('ignores a replay of the same version', async () => {
    expect(await upsertCaseProjection('case-1', 3, { stage: 'replayed' })).toBe('stale');
    expect((await getCaseProjection('case-1'))?.stage).toBe('assessing');
    expect(await CaseModel.countDocuments({ workflowId: 'case-1' })).toBe(1);
  });

  it('ends on the newest version whatever order concurrent writes arrive in', async () => {
    const versions = [4, 9, 2, 7, 10, 1, 6, 3, 8, 5];
    await Promise.all(versions.map((v) => upsertCaseProjection('case-2', v, { stage: `s${v}`, openTaskCount: v })));
    expect(await getCaseProjection('case-2')).toMatchObject({ stage: 's10', openTaskCount: 10, projectionVersion: 10 });
    expect(await CaseModel.countDocuments({ workflowId: 'case-2' })).toBe(1);
  });

  it('applies the first version onto a case another writer created before it at version 0, once', async () => {
    // The reconciler's attention flag creates a case that has no projection yet (activities/stores/attention-store.ts).
    await CaseModel.create({ workflowId: 'case-3', stage: 'awaiting_report' });
    expect(await upsertCaseProjection('case-3', 1, { stage: 'reported', openTaskCount: 1 })).toBe('applied');
    expect(await upsertCaseProjection('case-3', 1, { stage: 'replayed' })).toBe('stale');
    expect(await getCaseProjection('case-3')).toMatchObject({ stage: 'reported', projectionVersion: 1 });
  });

  it('keeps the newer version when a first version (an unlocked insert) races the next one', async () => {
    for (let i = 0; i < 6; i++) {
      const id = `case-race-${i}`;
      const first = () => upsertCaseProjection(id, 1, { stage: 'first', openTaskCount: 1 });
      const second = () => upsertCaseProjection(id, 2, { stage: 'second', openTaskCount: 2 });
      const writes = i % 2 ? [second(), first()] : [first(), second()];
      expect((await Promise.all(writes)).filter((w) => w === 'applied').length).toBeGreaterThanOrEqual(1);
      expect(await getCaseProjection(id)).toMatchObject({ stage: 'second', projectionVersion: 2 });
      expect(await CaseModel.countDocuments({ workflowId: id })).toBe(1);
    }
  });

  it('refuses a version that is not a positive integer', async () => {
    await expect(upsertCaseProjection('case-1', 0, {})).rejects.toBeInstanceOf(ProjectionVersionError);
    await expect(upsertCaseProjection('case-1', 1.5, {})).rejects.toBeInstanceOf(ProjectionVersionError);
  });
});

describe('versioned task projection', () => {
  it('ignores an older version and keeps the newer status', async () => {
    const due = new Date('2026-11-21T00:00:00Z');
    expect(
      await upsertTaskProjection('case-1:police_response:1', 1, {
        caseWorkflowId: 'case-1',
        kind: 'police_response',
        agencyCode: 'cn.police.huayang',
        agencyType: 'police_station',
        status: 'open',
        completeDueAt: due,
      }),
    ).toBe('applied');
    expect(
      await upsertTaskProjection('case-1:police_response:1', 2, {
        status: 'completed',
        outcome: { code: 'handed_over', note: '书面交接' },
        escalations: [{ at: due, notify: 'agency_supervisor', deadline: 'accept', clause: 'CN 四(二)' }],
      }),
    ).toBe('applied');
    expect(await upsertTaskProjection('case-1:police_response:1', 1, { status: 'open' })).toBe('stale');
    expect(await getTaskProjection('case-1:police_response:1')).toMatchObject({
      status: 'completed',
      agencyCode: 'cn.police.huayang',
      outcome: { code: 'handed_over' },
      escalations: [expect.objectContaining({ notify: 'agency_supervisor' })],
      projectionVersion: 2,
    });
  });
});
