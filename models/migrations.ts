/**
 * Data migrations: named, idempotent steps that bring records written by an older version up to what the current
 * read models expect, each run once per database and recorded in `migrations` (one document per step, `_id` its
 * name). A step that was interrupted is simply run again at the next start: every step only sets fields derived from
 * the record itself, so running it twice changes nothing. No transactions (the embedded FerretDB has none): a record
 * is updated on its own, conditioned on still lacking the field, so a projection write racing with a step wins.
 *
 * Run by the worker (workers/main.ts) once the database is reachable, so at every `npm start` and every deployment.
 */
import { Schema, model, type Model, type Types } from 'mongoose';
import { CaseModel } from './case';
import { clockSummary, lastEscalationDay } from './projection-repository';
import { TaskModel } from './task';

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

const PAGE = 500;

/**
 * A step that gives every record lacking the derived field `missing` (and holding its source, `source`) the fields
 * `derive` computes from that source, a page at a time by `_id`. Each record is updated on its own, conditioned on
 * still lacking the field, so a projection write that got there first is never overwritten.
 */
function deriveMissing<Source extends string, Value>(
  model: Model<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- a step works on any collection
  spec: { source: Source; sourceFilter: object; missing: string; derive: (value: Value) => object },
): () => Promise<number> {
  return async () => {
    let after: Types.ObjectId | undefined;
    let updated = 0;
    for (;;) {
      const records = await model
        .find({ ...spec.sourceFilter, [spec.missing]: { $exists: false }, ...(after ? { _id: { $gt: after } } : {}) })
        .select({ [spec.source]: 1 })
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean<({ _id: Types.ObjectId } & Record<Source, Value>)[]>()
        .exec();
      if (records.length === 0) return updated;
      for (const record of records) {
        const r = await model
          .updateOne(
            { _id: record._id, [spec.missing]: { $exists: false } },
            { $set: spec.derive(record[spec.source]) },
          )
          .exec();
        updated += r.modifiedCount;
      }
      after = records[records.length - 1]!._id;
    }
  };
}

export const MIGRATIONS: readonly Migration[] = [
  {
    // 21a0544: the dashboard reads a case's pending clocks through `clockPending` and `nextClockAt`, which every case
    // projection write now derives from `clocks` (models/projection-repository.ts clockSummary).
    name: '2026-11-30-case-clock-summary',
    run: deriveMissing(CaseModel, {
      source: 'clocks',
      sourceFilter: { clocks: { $exists: true } },
      missing: 'clockPending',
      derive: (clocks: { firesAt: Date }[]) => clockSummary(clocks),
    }),
  },
  {
    // 21a0544: the dashboard's escalations of the week select tasks by `lastEscalationDay`, which every task
    // projection write now derives from `escalations` (models/projection-repository.ts lastEscalationDay).
    name: '2026-11-30-task-last-escalation-day',
    run: deriveMissing(TaskModel, {
      source: 'escalations',
      sourceFilter: { 'escalations.0': { $exists: true } },
      missing: 'lastEscalationDay',
      derive: (escalations: { at: Date }[]) => lastEscalationDay(escalations),
    }),
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
