/**
 * Data migrations (models/migrations.ts) on the real store: records written before the dashboard's derived fields
 * existed (a case with clocks but no `clockPending`/`nextClockAt`, a task with escalations but no
 * `lastEscalationDay`) get them from their own data; records that already have them, or have nothing to derive, are
 * left as they are; each step is recorded and not run again; a step that was interrupted runs again harmlessly.
 */
import { Types } from 'mongoose';
import { ensureIndexes } from '../../models';
import { CaseModel } from '../../models/case';
import { MigrationModel, MIGRATIONS, runMigrations } from '../../models/migrations';
import { TaskModel } from '../../models/task';
import { connectTestDatabase } from '../helpers/mongo';

let drop: () => Promise<void>;
const at = (iso: string) => new Date(iso);

/** Written straight into the collection, as an older version's projection left it (no derived fields). */
async function oldCase(clocks: { id: string; firesAt: Date }[] | undefined): Promise<Types.ObjectId> {
  const _id = new Types.ObjectId();
  await CaseModel.collection.insertOne({
    _id,
    workflowId: `case-${_id.toHexString()}`,
    jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
    ...(clocks ? { clocks } : {}),
  });
  return _id;
}

async function oldTask(
  escalations: { at: Date; notify: string; deadline: string }[] | undefined,
): Promise<Types.ObjectId> {
  const _id = new Types.ObjectId();
  await TaskModel.collection.insertOne({
    _id,
    taskId: `task-${_id.toHexString()}`,
    agencyCode: 'cn-police-huayang',
    ...(escalations ? { escalations } : {}),
  });
  return _id;
}

beforeAll(async () => {
  drop = await connectTestDatabase('migrations');
  await ensureIndexes();
});

afterAll(() => drop());

describe('data migrations', () => {
  it('derives the dashboard fields of records written before them, leaves the rest, and runs each step once', async () => {
    const twoClocks = await oldCase([
      { id: 'a', firesAt: at('2026-12-03T08:00:00Z') },
      { id: 'b', firesAt: at('2026-12-01T08:00:00Z') },
    ]);
    const noClocks = await oldCase([]);
    const neverClocked = await oldCase(undefined);
    const alreadyDerived = await oldCase([{ id: 'c', firesAt: at('2026-12-05T00:00:00Z') }]);
    await CaseModel.collection.updateOne(
      { _id: alreadyDerived },
      { $set: { clockPending: true, nextClockAt: at('2026-12-09T00:00:00Z') } },
    );
    const escalated = await oldTask([
      { at: at('2026-11-28T23:30:00Z'), notify: 'superior', deadline: 'accept' },
      { at: at('2026-11-29T01:10:00Z'), notify: 'coordinator', deadline: 'complete' },
    ]);
    const quiet = await oldTask(undefined);

    const ran = await runMigrations();
    expect(ran).toEqual(MIGRATIONS.map((m) => m.name));

    const cases = new Map((await CaseModel.find({}).lean().exec()).map((c) => [String(c._id), c]));
    expect(cases.get(String(twoClocks))).toMatchObject({ clockPending: true, nextClockAt: at('2026-12-01T08:00:00Z') });
    expect(cases.get(String(noClocks))).toMatchObject({ clockPending: false });
    expect(cases.get(String(noClocks))).not.toHaveProperty('nextClockAt');
    expect(cases.get(String(neverClocked))).not.toHaveProperty('clockPending');
    // A projection write got there first: its values stand.
    expect(cases.get(String(alreadyDerived))).toMatchObject({ nextClockAt: at('2026-12-09T00:00:00Z') });

    const tasks = new Map((await TaskModel.find({}).lean().exec()).map((t) => [String(t._id), t]));
    expect(tasks.get(String(escalated))).toMatchObject({ lastEscalationDay: '2026-11-29' });
    expect(tasks.get(String(quiet))).not.toHaveProperty('lastEscalationDay');

    const recorded = await MigrationModel.find({}).sort({ _id: 1 }).lean().exec();
    expect(recorded.map((m) => [m._id, m.updated])).toEqual([
      ['2026-11-30-case-clock-summary', 2],
      ['2026-11-30-task-last-escalation-day', 1],
    ]);

    // Recorded steps are not run again: a record written now in the old shape stays as it is.
    const late = await oldCase([{ id: 'd', firesAt: at('2026-12-02T00:00:00Z') }]);
    expect(await runMigrations()).toEqual([]);
    expect(await CaseModel.findById(late).lean().exec()).not.toHaveProperty('clockPending');
  });

  it('runs an interrupted step again without changing what it already did', async () => {
    await MigrationModel.deleteOne({ _id: '2026-11-30-case-clock-summary' }).exec();
    const before = await CaseModel.find({ clockPending: { $exists: true } })
      .sort({ _id: 1 })
      .lean()
      .exec();
    expect(await runMigrations()).toEqual(['2026-11-30-case-clock-summary']);
    const after = await CaseModel.find({ clockPending: { $exists: true } })
      .sort({ _id: 1 })
      .lean()
      .exec();
    // The late old-shape case of the first test is now derived too; every earlier one is unchanged.
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((c) => before.some((b) => String(b._id) === String(c._id)))).toEqual(before);
    expect((await MigrationModel.findById('2026-11-30-case-clock-summary').lean().exec())?.updated).toBe(1);
  });
});
