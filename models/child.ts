/**
 * The child's file: one file per child (一人一档案, CN 五(一), FT 三(二)2). The identity number is stored sealed
 * (AES-256-GCM) and found by its keyed hash; a child reported without one gets a provisional file, later merged into
 * the identified file with both histories kept.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { placeSchema, RISK_LEVELS } from './common';
import { GUARDIAN_RELATIONS, GUARDIAN_STATUSES } from '../contracts/enums';
import { ledgerSchema } from './ledger';

export const SEXES = ['female', 'male', 'unknown'] as const;

/** One list each for the models, the API's contracts and the web app (contracts/enums.ts). */
export { GUARDIAN_RELATIONS, GUARDIAN_STATUSES };

const guardianSchema = new Schema(
  {
    name: { type: String, required: true },
    relation: { type: String, enum: GUARDIAN_RELATIONS, required: true },
    phone: String,
    status: { type: String, enum: GUARDIAN_STATUSES, required: true, default: 'unknown' },
  },
  { _id: false },
);

const historyEntrySchema = new Schema({
  at: { type: Date, required: true },
  event: { type: String, required: true },
  reportId: { type: Schema.Types.ObjectId, ref: 'Report' },
  caseWorkflowId: String,
  note: String,
  /** Set on entries that came from a provisional file merged into this one. */
  fromChildId: { type: Schema.Types.ObjectId, ref: 'Child' },
});

const childSchema = new Schema(
  {
    /** Keyed hash of the identity number, or of the provisional key for a provisional file: finds the one file. */
    identityKey: { type: String, required: true, unique: true },
    /** AES-256-GCM sealed identity number; absent on a provisional file. */
    idNumberSealed: String,
    provisional: { type: Boolean, required: true, default: false },
    name: { type: String, required: true },
    sex: { type: String, enum: SEXES, required: true, default: 'unknown' },
    dateOfBirth: Date,
    /** The district whose ledger holds the file (CN 五(一)). */
    districtCode: { type: String, required: true },
    /** 户籍 */
    householdRegistration: placeSchema,
    residence: placeSchema,
    school: { name: String, agencyCode: String },
    guardians: { type: [guardianSchema], default: [] },
    categories: { type: [String], default: [] },
    benefits: { type: [String], default: [] },
    riskLevel: { type: String, enum: RISK_LEVELS, required: true, default: 'unassessed' },
    flags: {
      leftBehind: { type: Boolean, required: true, default: false },
      multipleDifficulty: { type: Boolean, required: true, default: false },
      /** FT 三(三)2(5): juvenile criminal records are sealed. */
      recordSealed: { type: Boolean, required: true, default: false },
    },
    /**
     * The case projection version that last wrote categories, benefits, risk and flags from the pack's rules: an
     * older write changes nothing (models/child-decisions.ts).
     */
    decidedVersion: Number,
    history: { type: [historyEntrySchema], default: [] },
    reportIds: { type: [Schema.Types.ObjectId], ref: 'Report', default: [] },
    mergedInto: { type: Schema.Types.ObjectId, ref: 'Child', default: null },
    mergedAt: Date,
    mergedFrom: { type: [Schema.Types.ObjectId], ref: 'Child', default: [] },
    /** The street ledger's section (models/ledger.ts); absent until the child is enrolled. */
    ledger: { type: ledgerSchema, default: undefined },
  },
  { timestamps: true },
);

// The street ledger (台账): children of a district's street, highest risk first.
childSchema.index({ districtCode: 1, 'residence.streetCode': 1, riskLevel: 1 });
// The ledger's indexes serve MongoDB (production) and the embedded store: our FerretDB patch hands their equalities to
// SQLite as index searches (README.md, "What we learned about FerretDB v1"; bench/README.md, "Ledger at scale").
// Each ends with the list's sort (ledger.nextVisitDue, then _id), so MongoDB returns a page in index order without a
// blocking sort and stops after skip + limit; the list's other conditions (ledger exists, not merged, not sealed,
// category, left-behind, risk) are checked on the documents the index range yields.
//
// A street's ledger list (listLedger, street reach: ledger.place.districtCode + streetCode, sorted by the next visit,
// also with overdue=true as a range on ledger.nextVisitDue) and its count; the street dashboard's compliance
// (ledgerCompliance, street reach: the $match of each of its four aggregations, the overdue one as a range).
childSchema.index({
  'ledger.place.districtCode': 1,
  'ledger.place.streetCode': 1,
  'ledger.nextVisitDue': 1,
  _id: 1,
});
// A committee's ledger list (listLedger, committee reach: district + street + committee, sorted by the next visit) and
// its count; a street list filtered by committee (committeeCode filter) uses the street index above.
childSchema.index({
  'ledger.place.districtCode': 1,
  'ledger.place.streetCode': 1,
  'ledger.place.committeeCode': 1,
  'ledger.nextVisitDue': 1,
  _id: 1,
});
// The district's ledger list (listLedger, district reach, any filters) and the district dashboard's compliance per
// committee, by street and by category (ledgerCompliance, district reach; overdue as a range on ledger.nextVisitDue).
childSchema.index({ 'ledger.place.districtCode': 1, 'ledger.nextVisitDue': 1, _id: 1 });
// The district's ledger list filtered by category and left-behind (listLedger, district reach:
// ledgerListFilter's `categories: <code>` and `flags.leftBehind`, sorted by the next visit) and its two counts (the
// total and the overdue ones, a range on ledger.nextVisitDue). A multikey index on MongoDB; on the embedded store our
// FerretDB patch keeps a side table of one row per category per child for it and walks that in this order, and counts
// its entries (tools/ferretdb/patches/sqlite-pushdown.patch, metadata/elements.go and pushdown_elements.go): without
// it the list reads every ledger child of the district (bench/README.md, "The district list by category at 100,000").
childSchema.index({
  'ledger.place.districtCode': 1,
  categories: 1,
  'flags.leftBehind': 1,
  mergedInto: 1,
  'flags.recordSealed': 1,
  'ledger.nextVisitDue': 1,
  _id: 1,
});
// The same list and counts filtered by category alone (left-behind not fixed: the index above would be sought on the
// district and category only, and that range read and sorted for every page, bench/README.md "Session 11"). The patch
// walks the side table whose columns the filter fixes all but the sort's (pushdown_elements.go, elementFindPlan).
childSchema.index({
  'ledger.place.districtCode': 1,
  categories: 1,
  mergedInto: 1,
  'flags.recordSealed': 1,
  'ledger.nextVisitDue': 1,
  _id: 1,
});
// A street's ledger counts (listLedger, street reach: the total and the overdue ones): the street's equalities, then
// the list's own conditions (mergedInto: null, flags.recordSealed $ne true) and the overdue range on
// ledger.nextVisitDue. On the embedded store SQLite counts them by seeking this index alone (every condition is a
// seek there: tools/ferretdb/patches/sqlite-pushdown.patch, pushdown_kinds.go); on MongoDB the count scans its keys.
childSchema.index({
  'ledger.place.districtCode': 1,
  'ledger.place.streetCode': 1,
  mergedInto: 1,
  'flags.recordSealed': 1,
  'ledger.nextVisitDue': 1,
});
// The same for a committee's ledger counts (listLedger, committee reach): without it the embedded store's SQLite may
// count a committee on the street's index above, reading every child of the street.
childSchema.index({
  'ledger.place.districtCode': 1,
  'ledger.place.streetCode': 1,
  'ledger.place.committeeCode': 1,
  mergedInto: 1,
  'flags.recordSealed': 1,
  'ledger.nextVisitDue': 1,
});
// The reconciler's sweep of ledger children whose monitoring workflow still has to be started or told
// ({ 'ledger.monitoringPending': true }; the field is absent on every other file).
childSchema.index({ 'ledger.monitoringPending': 1 });

export type ChildRecord = InferSchemaType<typeof childSchema> & { _id: Types.ObjectId };
export type ChildHistoryEntry = ChildRecord['history'][number];
export const ChildModel = model('Child', childSchema);
