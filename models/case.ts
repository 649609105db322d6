/**
 * The read model of a case. The case workflow owns the process; activities project it here with versioned upserts
 * (projectionVersion only moves forward), for lists, filters and dashboards.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { placeSchema, RISK_LEVELS } from './common';

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
    projectionVersion: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

// District case list filtered by stage, soonest deadline first.
caseSchema.index({ 'jurisdiction.districtCode': 1, stage: 1, nextDeadline: 1 });
// Street case list filtered by stage, soonest deadline first.
caseSchema.index({ 'jurisdiction.streetCode': 1, stage: 1, nextDeadline: 1 });
// A child's cases, newest first.
caseSchema.index({ childId: 1, openedAt: -1 });

export type CaseRecord = InferSchemaType<typeof caseSchema> & { _id: Types.ObjectId };
export const CaseModel = model('Case', caseSchema);
