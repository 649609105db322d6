/**
 * The district dashboard's summary document (issue #19: a dashboard whose cost does not grow with the district): one
 * per district, `_id` the district code, holding the indicators as computed at `asOf` by the district's snapshot
 * workflow (workflows/indicator-snapshot.workflow.ts). The dashboard reads it by `_id`, one document whatever the
 * number of cases; only that workflow's activity writes it.
 */
import { Schema, model } from 'mongoose';
import { isDuplicateKeyError } from './common';
import type { LedgerCell } from './ledger-repository';

const indicatorSnapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The instant the indicators were computed for (their `now`). */
    asOf: { type: Date, required: true },
    /** The snapshot workflow's interval: how old a snapshot may be before the dashboard calls it out of date. */
    everySeconds: { type: Number, required: true },
    /** How long the computation took, for operators (bench/README.md). */
    computeMs: Number,
    /** api/read-models/indicators.ts Indicators, as computed. */
    indicators: { type: Schema.Types.Mixed, required: true },
    /** The district's ledger by street × committee at `asOf` (models/ledger-repository.ts LedgerCell, issue #18). */
    ledger: { type: [Schema.Types.Mixed], default: undefined },
  },
  // minimize: false keeps empty objects (a district with no case has `casesByStage: {}`).
  { collection: 'indicator_snapshots', versionKey: false, minimize: false },
);

export const IndicatorSnapshotModel = model('IndicatorSnapshot', indicatorSnapshotSchema);

export interface IndicatorSnapshot<T> {
  districtCode: string;
  asOf: Date;
  everySeconds: number;
  computeMs?: number;
  indicators: T;
  ledger?: LedgerCell[];
}

/**
 * Writes a district's snapshot unless a newer one is stored: a retried or late activity never replaces a newer
 * snapshot with an older one (the filter matches only an older document; when none matches, the upsert's insert is
 * refused by the `_id` and the write is dropped). Returns whether it was written.
 */
export async function saveIndicatorSnapshot<T>(snapshot: IndicatorSnapshot<T>): Promise<boolean> {
  try {
    const result = await IndicatorSnapshotModel.updateOne(
      { _id: snapshot.districtCode, asOf: { $lt: snapshot.asOf } },
      {
        $set: {
          asOf: snapshot.asOf,
          everySeconds: snapshot.everySeconds,
          computeMs: snapshot.computeMs,
          indicators: snapshot.indicators,
          ...(snapshot.ledger ? { ledger: snapshot.ledger } : {}),
        },
      },
      { upsert: true },
    ).exec();
    return result.matchedCount > 0 || result.upsertedCount > 0;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** The district's snapshot, one document by `_id`; null before the district's first. */
export async function loadIndicatorSnapshot<T>(districtCode: string): Promise<IndicatorSnapshot<T> | null> {
  const doc = await IndicatorSnapshotModel.findById(districtCode)
    .lean<{ _id: string; asOf: Date; everySeconds: number; computeMs?: number; indicators: T; ledger?: LedgerCell[] }>()
    .exec();
  if (!doc) return null;
  return {
    districtCode: doc._id,
    asOf: new Date(doc.asOf),
    everySeconds: doc.everySeconds,
    ...(doc.computeMs !== undefined ? { computeMs: doc.computeMs } : {}),
    indicators: doc.indicators,
    ...(doc.ledger ? { ledger: doc.ledger } : {}),
  };
}
