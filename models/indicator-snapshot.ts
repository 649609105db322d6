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
    /**
     * api/read-models/indicators.ts Indicators, as computed, as JSON text: the document is only ever read whole by
     * `_id`, never queried inside, and the embedded store decodes one string in a fraction of the time it takes to
     * decode the same data as a few hundred nested fields (3 against 8–12 ms for 47 agencies and 10 streets, a probe on
     * 2026-11-30 under load 13), so the read does not grow with the number of the district's streets and agencies.
     */
    indicators: { type: String, required: true },
    /** The district's ledger by street × committee at `asOf` (models/ledger-repository.ts LedgerCell, issue #18), JSON. */
    ledger: String,
  },
  { collection: 'indicator_snapshots', versionKey: false },
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
          indicators: JSON.stringify(snapshot.indicators),
          ...(snapshot.ledger ? { ledger: JSON.stringify(snapshot.ledger) } : {}),
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
    .lean<{ _id: string; asOf: Date; everySeconds: number; computeMs?: number; indicators: string; ledger?: string }>()
    .exec();
  if (!doc) return null;
  return {
    districtCode: doc._id,
    asOf: new Date(doc.asOf),
    everySeconds: doc.everySeconds,
    ...(doc.computeMs !== undefined ? { computeMs: doc.computeMs } : {}),
    indicators: fromJson<T>(doc.indicators),
    ...(doc.ledger ? { ledger: fromJson<LedgerCell[]>(doc.ledger) } : {}),
  };
}

/** JSON text as written since it replaced the nested form, which a snapshot written before may still hold. */
function fromJson<T>(stored: unknown): T {
  return (typeof stored === 'string' ? JSON.parse(stored) : stored) as T;
}
