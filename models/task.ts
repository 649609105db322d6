/** The read model of an agency task (a child workflow of the case), written only by versioned projection upserts. */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { TASK_WITHDRAWAL_REASONS, type TaskStatus } from '../contracts/enums';
import { AGENCY_TYPES, ESCALATION_TARGETS } from '../policies/schema';

/**
 * The projection's stored task statuses: 'open' for created-and-notified, 'cancelled' for a task closed without an
 * outcome. The API shows the contract's TASK_STATUSES; `apiTaskStatus` below maps between the two, in one place.
 */
export const PROJECTED_TASK_STATUSES = ['open', 'accepted', 'completed', 'declined', 'cancelled', 'withdrawn'] as const;
export type ProjectedTaskStatus = (typeof PROJECTED_TASK_STATUSES)[number];

/** The status the API and the web app show for a stored one. */
export function apiTaskStatus(status: ProjectedTaskStatus | null | undefined): TaskStatus {
  switch (status) {
    case 'accepted':
    case 'completed':
    case 'declined':
    case 'withdrawn':
      return status;
    case 'cancelled':
      return 'declined';
    case 'open':
      return 'notified';
    default:
      return 'created';
  }
}

const escalationSchema = new Schema(
  {
    at: { type: Date, required: true },
    notify: { type: String, enum: ESCALATION_TARGETS, required: true },
    /** Which deadline was missed: accept or complete. */
    deadline: { type: String, enum: ['accept', 'complete'], required: true },
    clause: String,
  },
  { _id: false },
);

const taskSchema = new Schema(
  {
    taskId: { type: String, required: true, unique: true },
    caseWorkflowId: String,
    childId: { type: Schema.Types.ObjectId, ref: 'Child' },
    /** A key of the pack's taskKinds. */
    kind: String,
    agencyCode: String,
    /** Agencies working on the task with the assignee: they see it in their inbox but cannot act on it. */
    collaboratingAgencyCodes: { type: [String], default: undefined },
    /** Concern codes an emergency response must address (police_response). */
    concerns: { type: [String], default: undefined },
    /** Benefit codes a benefit application decides (benefit_application, CN 五(一)). */
    benefits: { type: [String], default: undefined },
    /** When the owner created the task (AgencyTaskInput.createdAt): both deadlines count from here. */
    openedAt: Date,
    /** The pack the owning case is pinned to. */
    policyPackId: String,
    policyPackVersion: String,
    declineReason: String,
    redirectToAgencyCode: String,
    /** Why the owning case withdrew the task as moot (status 'withdrawn'): contracts/enums.ts TASK_WITHDRAWAL_REASONS. */
    withdrawalReason: { type: String, enum: TASK_WITHDRAWAL_REASONS },
    agencyType: { type: String, enum: AGENCY_TYPES },
    assignee: String,
    status: { type: String, enum: PROJECTED_TASK_STATUSES },
    acceptDueAt: Date,
    completeDueAt: Date,
    acceptedAt: Date,
    completedAt: Date,
    escalations: { type: [escalationSchema], default: undefined },
    /** UTC day (YYYY-MM-DD) of the latest escalation (models/projection-repository.ts lastEscalationDay). */
    lastEscalationDay: String,
    outcome: { code: String, note: String },
    /**
     * Accountability tasks (issue #17 item 6): the late report a superior follows up, or the exhausted ladders that
     * referred an agency to the procuratorate (workflows/definitions.ts TaskSubject; codes and instants only).
     */
    subject: { type: Schema.Types.Mixed, default: undefined },
    projectionVersion: { type: Number, required: true, default: 0 },
  },
  { timestamps: true },
);

// An agency's inbox: open tasks, soonest due first.
taskSchema.index({ agencyCode: 1, status: 1, completeDueAt: 1 });
// The inbox's second half (api/read-models/tasks.ts listAgencyTasks, `$or` branch `collaboratingAgencyCodes`):
// tasks other agencies hold with this one working alongside, open or closed, soonest due first.
taskSchema.index({ collaboratingAgencyCodes: 1, status: 1, completeDueAt: 1 });
// A person's own tasks, soonest due first.
taskSchema.index({ assignee: 1, status: 1, completeDueAt: 1 });
// The dashboard's escalations this week (api/read-models/indicators.ts): tasks whose latest escalation fell on one of
// the last 8 days (`lastEscalationDay: { $in }`), of the district's agencies.
taskSchema.index({ lastEscalationDay: 1, agencyCode: 1 });
// The tasks of one case in order.
taskSchema.index({ caseWorkflowId: 1, createdAt: 1 });

export type TaskRecord = InferSchemaType<typeof taskSchema> & { _id: Types.ObjectId };
export const TaskModel = model('Task', taskSchema);
