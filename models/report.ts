/**
 * A mandatory report (强制报告, CN 四(一), FT 三(二)4): who discovered what, when, and when it was reported, so late
 * reporting can be held to account. The receipt number makes saving it idempotent.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { REPORTING_UNIT_TYPES } from '../contracts/enums';
import { placeSchema } from './common';

export { REPORTING_UNIT_TYPES };

const reportSchema = new Schema(
  {
    receiptNumber: { type: String, required: true, unique: true },
    /** The account that filed it: "my reports" lists by it. */
    reporterUserId: String,
    reporter: {
      name: { type: String, required: true },
      role: String,
      phone: String,
      email: String,
    },
    reportingUnit: {
      name: String,
      type: { type: String, enum: REPORTING_UNIT_TYPES, required: true },
      agencyCode: String,
    },
    /** Codes from the pack's concernTypes. */
    concernTypes: { type: [String], required: true },
    discoveredAt: { type: Date, required: true },
    reportedAt: { type: Date, required: true },
    place: { type: placeSchema, required: true },
    account: { type: String, required: true },
    childId: { type: Schema.Types.ObjectId, ref: 'Child' },
    /** The provisional file this report was first attached to, when that file was merged into another. */
    provisionalChildId: { type: Schema.Types.ObjectId, ref: 'Child' },
    caseWorkflowId: String,
  },
  { timestamps: true },
);

// "My reports": a filer's reports, newest first.
reportSchema.index({ reporterUserId: 1, reportedAt: -1 });
// Reports about one child, newest first.
reportSchema.index({ childId: 1, reportedAt: -1 });
// A district's reports by time (timeliness indicator: reportedAt - discoveredAt).
reportSchema.index({ 'place.districtCode': 1, reportedAt: -1 });

export type ReportRecord = InferSchemaType<typeof reportSchema> & { _id: Types.ObjectId };
export const ReportModel = model('Report', reportSchema);
