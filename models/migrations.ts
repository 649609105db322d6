/**
 * Data migrations: named, idempotent steps that bring records written by an older version up to what the current
 * read models expect, each run once per database and recorded in `migrations` (one document per step, `_id` its
 * name). A step that was interrupted is simply run again at the next start: every step only sets fields derived from
 * the record itself, so running it twice changes nothing. No transactions (the embedded FerretDB has none): a record
 * is updated on its own, conditioned on still lacking the field, so a projection write racing with a step wins.
 *
 * Run by the worker (workers/main.ts) once the database is reachable, so at every `npm start` and every deployment.
 */
import { Schema, model } from 'mongoose';
import { CaseModel, type CaseRecord } from './case';
import { clockSummary, lastEscalationDay } from './projection-repository';
import { TaskModel, type TaskRecord } from './task';

const migrationSchema = new Schema(
  { _id: { type: String, required: true }, completedAt: { type: Date, required: true }, updated: Number },
  { collection: 'migrations', versionKey: false },
);
export const MigrationModel = model<{ _id: string; completedAt: Date; updated?: number }>('Migration', migrationSchema);

interface Migration {
  name: string;
  /** Applies the step; returns how many records it changed. */
  run(): Promise<number>;
}

/** Reads the matching records a page at a time by `_id`, so a large collection is never held in memory at once. */
async function eachPage<T extends { _id: unknown }>(
  page: (after: unknown) => Promise<T[]>,
  apply: (records: T[]) => Promise<number>,
): Promise<number> {
  let after: unknown;
  let updated = 0;
  for (;;) {
    const records = await page(after);
    if (records.length === 0) return updated;
    updated += await apply(records);
    after = records[records.length - 1]!._id;
  }
}

const PAGE = 500;

export const MIGRATIONS: readonly Migration[] = [
  {
    // 21a0544: the dashboard reads a case's pending clocks through `clockPending` and `nextClockAt`, which every case
    // projection write now derives from `clocks` (models/projection-repository.ts clockSummary).
    name: '2026-11-30-case-clock-summary',
    run: () =>
      eachPage(
        (after) =>
          CaseModel.find({
            clocks: { $exists: true },
            clockPending: { $exists: false },
            ...(after ? { _id: { $gt: after } } : {}),
          })
            .select({ clocks: 1 })
            .sort({ _id: 1 })
            .limit(PAGE)
            .lean<{ _id: CaseRecord['_id']; clocks: { id: string; firesAt: Date }[] }[]>()
            .exec(),
        async (cases) => {
          let n = 0;
          for (const c of cases) {
            const r = await CaseModel.updateOne(
              { _id: c._id, clockPending: { $exists: false } },
              { $set: clockSummary(c.clocks) },
            ).exec();
            n += r.modifiedCount;
          }
          return n;
        },
      ),
  },
  {
    // 21a0544: the dashboard's escalations of the week select tasks by `lastEscalationDay`, which every task
    // projection write now derives from `escalations` (models/projection-repository.ts lastEscalationDay).
    name: '2026-11-30-task-last-escalation-day',
    run: () =>
      eachPage(
        (after) =>
          TaskModel.find({
            'escalations.0': { $exists: true },
            lastEscalationDay: { $exists: false },
            ...(after ? { _id: { $gt: after } } : {}),
          })
            .select({ escalations: 1 })
            .sort({ _id: 1 })
            .limit(PAGE)
            .lean<{ _id: TaskRecord['_id']; escalations: { at: Date }[] }[]>()
            .exec(),
        async (tasks) => {
          let n = 0;
          for (const t of tasks) {
            const r = await TaskModel.updateOne(
              { _id: t._id, lastEscalationDay: { $exists: false } },
              { $set: lastEscalationDay(t.escalations) },
            ).exec();
            n += r.modifiedCount;
          }
          return n;
        },
      ),
  },
];

/** Runs every step not yet recorded as done, in order; returns the names of the steps it ran. */
export async function runMigrations(migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const done = new Set((await MigrationModel.find({}, { _id: 1 }).lean().exec()).map((m) => m._id));
  const ran: string[] = [];
  for (const step of migrations) {
    if (done.has(step.name)) continue;
    const updated = await step.run();
    await MigrationModel.updateOne(
      { _id: step.name },
      { $set: { completedAt: new Date(), updated } },
      { upsert: true },
    ).exec();
    ran.push(step.name);
  }
  return ran;
}
