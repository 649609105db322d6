/**
 * Versioned, idempotent projection upserts for the case and task read model (only activities call these). A write
 * carrying a version older than or equal to the stored one changes nothing, so retries and replays cannot move the
 * read model backwards. No transactions: the filter `{ key, projectionVersion: { $lt: version } }` matches only an
 * older document; when none matches, the upsert tries to insert and the unique key refuses it (11000) if a document
 * with that key already exists at an equal or newer version. Writes to one key are serialised by a lock document
 * because FerretDB v1 does not apply a filter and its update atomically (see projection-lock.ts); a first version
 * (1) is a plain insert and needs none (see `versioned`).
 */
import type { TaskWithdrawalReason } from '../contracts/enums';
import type { Types } from 'mongoose';
import type { AgencyType, EscalationTarget } from '../policies/schema';
import { CaseModel, type CaseRecord } from './case';
import { isDuplicateKeyError, utcDay, type RiskLevel } from './common';
import { withProjectionLock } from './projection-lock';
import { TaskModel, type TaskRecord, type ProjectedTaskStatus } from './task';

export type ProjectionWrite = 'applied' | 'stale';

/** The case fields the case workflow projects; a write sets only the fields it carries. */
export interface CaseProjectionFields {
  childId?: Types.ObjectId;
  jurisdiction?: { districtCode: string; streetCode?: string; committeeCode?: string; address?: string };
  stage?: string;
  policyPackId?: string;
  policyPackVersion?: string;
  openedAt?: Date;
  closedAt?: Date;
  openTaskCount?: number;
  nextDeadline?: Date;
  riskLevel?: RiskLevel;
  categories?: string[];
  caseNumber?: string;
  agencyCodes?: string[];
  leftBehind?: boolean;
  reportIds?: string[];
  openTaskIds?: string[];
  clocks?: { id: string; label?: string; clause?: string; startedAt?: Date; firesAt: Date }[];
  escalations?: unknown[];
  findings?: unknown[];
  nextStep?: string;
  multipleDifficulty?: boolean;
  benefits?: string[];
  decided?: unknown;
  intervention?: unknown;
}

export interface TaskProjectionFields {
  caseWorkflowId?: string;
  childId?: Types.ObjectId;
  kind?: string;
  agencyCode?: string;
  agencyType?: AgencyType;
  assignee?: string;
  status?: ProjectedTaskStatus;
  acceptDueAt?: Date;
  completeDueAt?: Date;
  acceptedAt?: Date;
  completedAt?: Date;
  escalations?: { at: Date; notify: EscalationTarget; deadline: 'accept' | 'complete'; clause?: string }[];
  outcome?: { code: string; note?: string };
  collaboratingAgencyCodes?: string[];
  concerns?: string[];
  benefits?: string[];
  openedAt?: Date;
  policyPackId?: string;
  policyPackVersion?: string;
  declineReason?: string;
  redirectToAgencyCode?: string;
  withdrawalReason?: TaskWithdrawalReason;
  subject?: unknown;
}

export class ProjectionVersionError extends Error {
  override readonly name = 'ProjectionVersionError';
}

/**
 * Runs one versioned write. Version 1, a workflow's first projection, is first tried as a plain insert: the unique
 * key makes it atomic on MongoDB and FerretDB alike, so it needs no lock; only if a document exists already does it
 * take the locked path. Later versions are conditional upserts under the key's lock. A
 * duplicate key there means either a document at an equal or newer version exists, or (FerretDB runs the update as a
 * query, then an insert) the first version's unlocked insert landed in between: the update is tried once more, and
 * only a second duplicate is stale.
 */
async function versioned(
  lockKey: string,
  version: number,
  write: () => Promise<{ matchedCount: number; upsertedCount: number }>,
  insertFirst: () => Promise<unknown>,
): Promise<ProjectionWrite> {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ProjectionVersionError(`projection version must be a positive integer, got ${version}`);
  }
  if (version === 1) {
    try {
      await insertFirst();
      return 'applied';
    } catch (error) {
      // A document exists: a retry's, or one another writer made before the first projection (the reconciler's
      // attention flag creates a case at version 0): the locked conditional write below decides.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  return withProjectionLock(lockKey, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await write();
        return result.matchedCount > 0 || result.upsertedCount > 0 ? 'applied' : 'stale';
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (attempt >= 2) return 'stale';
      }
    }
  });
}

/**
 * Top-level copies of what the dashboard asks about the case's clocks (api/read-models/indicators.ts
 * clocksEndingSoon): whether any clock is pending (an equality the embedded store hands to SQLite) and the soonest
 * one's instant (a sort key of one type), instead of a range inside the `clocks` array, which the store could only
 * answer by decoding every case of the district. Derived here, from the clocks the same write carries, so no writer
 * can forget them.
 */
export function clockSummary(clocks: readonly { firesAt: Date | string }[] | undefined): {
  clockPending?: boolean;
  nextClockAt?: Date;
} {
  if (!clocks) return {};
  if (clocks.length === 0) return { clockPending: false };
  return { clockPending: true, nextClockAt: new Date(Math.min(...clocks.map((c) => new Date(c.firesAt).getTime()))) };
}

/**
 * The UTC day of the task's latest escalation (api/read-models/indicators.ts escalationsThisWeek): every task escalated
 * in the last 7 days has its latest escalation in one of the last 8 days, so the dashboard selects those tasks by an
 * equality on this field (`$in` of 8 days, served by an index) before unwinding their escalations, instead of
 * unwinding every task of the district.
 */
export function lastEscalationDay(escalations: readonly { at: Date | string }[] | undefined): {
  lastEscalationDay?: string;
} {
  if (!escalations?.length) return {};
  return { lastEscalationDay: utcDay(new Date(Math.max(...escalations.map((e) => new Date(e.at).getTime())))) };
}

export function upsertCaseProjection(
  workflowId: string,
  version: number,
  fields: CaseProjectionFields,
): Promise<ProjectionWrite> {
  const set = { ...fields, ...clockSummary(fields.clocks), projectionVersion: version };
  return versioned(
    `case:${workflowId}`,
    version,
    () =>
      CaseModel.updateOne({ workflowId, projectionVersion: { $lt: version } }, { $set: set }, { upsert: true }).exec(),
    // Cast, defaults and timestamps as the upsert would apply them; no validation, as the upsert runs none.
    () => new CaseModel({ workflowId, ...set }).save({ validateBeforeSave: false }),
  );
}

export function upsertTaskProjection(
  taskId: string,
  version: number,
  fields: TaskProjectionFields,
): Promise<ProjectionWrite> {
  const set = { ...fields, ...lastEscalationDay(fields.escalations), projectionVersion: version };
  return versioned(
    `task:${taskId}`,
    version,
    () => TaskModel.updateOne({ taskId, projectionVersion: { $lt: version } }, { $set: set }, { upsert: true }).exec(),
    () => new TaskModel({ taskId, ...set }).save({ validateBeforeSave: false }),
  );
}

export function getCaseProjection(workflowId: string): Promise<CaseRecord | null> {
  return CaseModel.findOne({ workflowId }).lean<CaseRecord>().exec();
}

export function getTaskProjection(taskId: string): Promise<TaskRecord | null> {
  return TaskModel.findOne({ taskId }).lean<TaskRecord>().exec();
}
