/**
 * The audit log: append-only. Who did what to which child or case, when and why (child data is sensitive: every
 * access is recorded). Updates and deletes through the model are refused.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ACTOR_KINDS = ['user', 'system', 'workflow'] as const;

export class AppendOnlyError extends Error {
  override readonly name = 'AppendOnlyError';
}

const auditEventSchema = new Schema(
  {
    /** Idempotency key: a retried append records the event once. */
    eventKey: { type: String, required: true, unique: true },
    actor: {
      kind: { type: String, enum: ACTOR_KINDS, required: true },
      id: { type: String, required: true },
    },
    action: { type: String, required: true },
    childId: { type: Schema.Types.ObjectId, ref: 'Child' },
    caseWorkflowId: String,
    reason: String,
    at: { type: Date, required: true },
    details: Schema.Types.Mixed,
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);

// A child's access and action trail in time order.
auditEventSchema.index({ childId: 1, at: 1 });
// A case's trail in time order.
auditEventSchema.index({ caseWorkflowId: 1, at: 1 });
// One person's actions in time order (oversight of access).
auditEventSchema.index({ 'actor.id': 1, at: 1 });

const refuse = () => {
  throw new AppendOnlyError('audit events are append-only');
};
auditEventSchema.pre(
  [
    'updateOne',
    'updateMany',
    'findOneAndUpdate',
    'replaceOne',
    'findOneAndReplace',
    'deleteOne',
    'deleteMany',
    'findOneAndDelete',
  ],
  refuse,
);
auditEventSchema.pre('save', function () {
  if (!this.isNew) refuse();
});

export type AuditEventRecord = InferSchemaType<typeof auditEventSchema> & { _id: Types.ObjectId };
export const AuditEventModel = model('AuditEvent', auditEventSchema);
