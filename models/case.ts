/**
 * The read model of a case. The case workflow owns the process; activities project it here with versioned upserts
 * (projectionVersion only moves forward), for lists, filters and dashboards.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { placeSchema, RISK_LEVELS } from './common';

const clockSchema = new Schema(
  {
    id: { type: String, required: true },
    label: String,
    clause: String,
    startedAt: Date,
    firesAt: { type: Date, required: true },
  },
  { _id: false },
);

const caseSchema = new Schema(
  {
    workflowId: { type: String, required: true, unique: true },
    childId: { type: Schema.Types.ObjectId, ref: 'Child' },
    jurisdiction: placeSchema,
    stage: String,
    policyPackId: String,
    policyPackVersion: String,
    openedAt: Date,
    closedAt: Date,
    openTaskCount: { type: Number, default: 0 },
    nextDeadline: Date,
    riskLevel: { type: String, enum: RISK_LEVELS },
    categories: { type: [String], default: undefined },
    /** Shown to people ("CN-2026-0042"); the workflow id when absent. */
    caseNumber: String,
    /** Every agency that holds or held a task on the case (assignees and collaborators): agency roles' scope. */
    agencyCodes: { type: [String], default: undefined },
    leftBehind: Boolean,
    reportIds: { type: [String], default: undefined },
    openTaskIds: { type: [String], default: undefined },
    /** The case's pending clocks (CaseStatus.pendingClocks), each with the clause it enforces. */
    clocks: { type: [clockSchema], default: undefined },
    /** EscalationRecord[] and Finding[] as the case workflow keeps them (workflows/definitions.ts). */
    escalations: { type: [Schema.Types.Mixed], default: undefined },
    /** Whether `clocks` holds any, and the soonest one's instant (models/projection-repository.ts clockSummary). */
    clockPending: Boolean,
    nextClockAt: Date,
    findings: { type: [Schema.Types.Mixed], default: undefined },
    nextStep: String,
    /** At least two difficulty categories (FT 三(一)4(2)): priority. From the pack's rules over the assessed facts. */
    multipleDifficulty: Boolean,
    /** Benefit codes the pack's rules granted (after 择高). */
    benefits: { type: [String], default: undefined },
    /** What the pack's rules decided (activities/projection.ts DecidedByRules): risk, classification, benefits. */
    decided: Schema.Types.Mixed,
    /** The case workflow's intervention state (workflows/intervention.definitions.ts InterventionState). */
    intervention: Schema.Types.Mixed,
    /**
     * Set by the reconciler (activities/reconciler.ts), never by the case's projection: the case failed, is stuck, or
     * its report has no first-response task in time. Coordinators see it on the dashboard until they clear it.
     */
    attention: {
      reason: String,
      since: Date,
    },
    projectionVersion: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

// District case list filtered by stage, soonest deadline first.
caseSchema.index({ 'jurisdiction.districtCode': 1, stage: 1, nextDeadline: 1 });
// Street case list filtered by stage, soonest deadline first.
caseSchema.index({ 'jurisdiction.streetCode': 1, stage: 1, nextDeadline: 1 });
// The dashboard's "needs attention" list.
caseSchema.index({ 'jurisdiction.districtCode': 1, 'attention.since': 1 });
// The case list with no stage chosen (api/read-models/cases.ts caseListFilter → listCases), a district
// coordinator's default view: the district's cases in page order (multiple difficulty first, then soonest deadline,
// then workflow id).
caseSchema.index({ 'jurisdiction.districtCode': 1, multipleDifficulty: -1, nextDeadline: 1, workflowId: 1 });
// The same list for a street coordinator (scope filter: district + street), in the same page order. On the embedded
// store SQLite walks this index's values for a page (equalities, then the sort keys in their directions) and counts
// the street from it (tools/ferretdb/patches/sqlite-pushdown.patch, pushdown_kinds.go).
caseSchema.index({
  'jurisdiction.districtCode': 1,
  'jurisdiction.streetCode': 1,
  multipleDifficulty: -1,
  nextDeadline: 1,
  workflowId: 1,
});
// The same list for an agency role (scope filter `agencyCodes: <its code>`), in the same page order. The codes are
// an array: on the embedded store this list is sorted by checking the documents (an array is not walked), on
// MongoDB a multikey index serves it.
caseSchema.index({ agencyCodes: 1, multipleDifficulty: -1, nextDeadline: 1, workflowId: 1 });
// The dashboard's clocks ending soon (api/read-models/indicators.ts clocksEndingSoon): the district's cases with a
// pending clock, soonest first.
caseSchema.index({ 'jurisdiction.districtCode': 1, clockPending: 1, nextClockAt: 1 });
// A child's cases, newest first.
caseSchema.index({ childId: 1, openedAt: -1 });

export type CaseRecord = InferSchemaType<typeof caseSchema> & { _id: Types.ObjectId };
export const CaseModel = model('Case', caseSchema);
