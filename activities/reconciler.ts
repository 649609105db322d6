/**
 * The safety net behind every receipt (architecture.md, "A receipt is a promise"). Run every minute by a Temporal
 * Schedule (workflows/reconciler.workflow.ts), it looks for cases that need a person, without any change to the
 * workflows it watches:
 *  - a case workflow, or one of its task or placement workflows, that failed, was terminated or timed out
 *    (visibility: a non-retryable activity failure, a bug, an operator's mistake);
 *  - a running case whose workflow task keeps failing (describe: the pending workflow task's attempt count);
 *  - a report older than its pack's dispatch deadline whose case has no first-response task (the read model).
 * Each is flagged on the case's read model and told to the district's coordinators, once per case and reason.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { listPolicyPacks, loadPolicyPack } from '../policies';
import { deadlineFrom } from '../workflows/clocks';
import { policyPackSearchAttribute } from '../workflows/definitions';
import { resumePendingLedgerMonitoring } from './ledger';
import type { Notifier } from './notifications';

export const ATTENTION_REASONS = ['workflow_failed', 'workflow_task_failing', 'no_first_response'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export interface CaseAttention {
  caseId: string;
  districtCode: string;
  reason: AttentionReason;
}

/** The read model side (models/, over MongoDB). */
export interface AttentionStore {
  /** The district the case's projection names, if it has one. */
  caseDistrict(caseId: string): Promise<string | undefined>;
  /** Cases of reports filed in the window whose case has no projection or is still awaiting its first task. */
  casesWithoutFirstResponse(
    filedAfter: Date,
    filedBefore: (districtCode: string) => Date,
  ): Promise<{ caseId: string; districtCode: string }[]>;
  /** Whether the case already carries this flag. */
  flagged(attention: CaseAttention): Promise<boolean>;
  /** Flags the case, creating a minimal read model when it has none (so the dashboard can show it). */
  flag(attention: CaseAttention, at: Date): Promise<void>;
}

/** Closed runs this far back are looked at; flags are idempotent, so overlapping runs are harmless. */
const LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** A workflow task failing this many times in a row is stuck (a non-determinism or a bug in workflow code). */
const STUCK_ATTEMPTS = 3;
/** Running cases described per run: bounds the cost of the stuck-task check (it is one call per case). */
const DESCRIBE_LIMIT = 500;

const WATCHED_TYPES = ['caseWorkflow', 'agencyTaskWorkflow', 'placementWorkflow'];

/** The case a workflow belongs to: case ids are `case-<childId>`, tasks and placements `case-<childId>/…`. */
export function caseIdOf(workflowId: string): string | undefined {
  if (!workflowId.startsWith('case-')) return undefined;
  return workflowId.split('/')[0];
}

function districtOfPack(info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes'>): string | undefined {
  const pinned = info.typedSearchAttributes?.get(policyPackSearchAttribute);
  if (!pinned) return undefined;
  try {
    return loadPolicyPack(pinned.split('@')[0]!).district.code;
  } catch {
    return undefined;
  }
}

export function createReconcilerActivities(deps: {
  client: Client;
  /** The worker's task queue: ledger monitoring whose start or change did not reach Temporal is resumed on it. */
  taskQueue?: string;
  store: AttentionStore;
  notifier: Notifier;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  const { client, store } = deps;

  async function districtOf(caseId: string): Promise<string | undefined> {
    const projected = await store.caseDistrict(caseId);
    if (projected) return projected;
    try {
      const description = await client.workflow.getHandle(caseId).describe();
      return districtOfPack(description);
    } catch {
      return undefined;
    }
  }

  async function failedCases(at: Date): Promise<CaseAttention[]> {
    const since = new Date(at.getTime() - LOOKBACK_MS).toISOString();
    const types = WATCHED_TYPES.map((t) => `WorkflowType = '${t}'`).join(' OR ');
    const query =
      `(${types}) AND (ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut')` +
      ` AND CloseTime > '${since}'`;
    const found: CaseAttention[] = [];
    for await (const info of client.workflow.list({ query })) {
      const caseId = caseIdOf(info.workflowId);
      if (!caseId) continue;
      const districtCode =
        (info.type === 'caseWorkflow' ? districtOfPack(info) : undefined) ?? (await districtOf(caseId));
      if (districtCode) found.push({ caseId, districtCode, reason: 'workflow_failed' });
    }
    return found;
  }

  async function stuckCases(): Promise<CaseAttention[]> {
    const found: CaseAttention[] = [];
    let described = 0;
    for await (const info of client.workflow.list({
      query: `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running'`,
    })) {
      if (described++ >= DESCRIBE_LIMIT) break;
      const description = await client.workflow.getHandle(info.workflowId).describe();
      const attempt = description.raw.pendingWorkflowTask?.attempt ?? 0;
      if (attempt < STUCK_ATTEMPTS) continue;
      const districtCode = districtOfPack(info) ?? (await districtOf(info.workflowId));
      if (districtCode) found.push({ caseId: info.workflowId, districtCode, reason: 'workflow_task_failing' });
    }
    return found;
  }

  async function unansweredReports(at: Date): Promise<CaseAttention[]> {
    const dispatchByDistrict = new Map(
      listPolicyPacks().map((p) => [p.district.code, loadPolicyPack(p.id).deadlines.policeDispatch]),
    );
    const filedBefore = (districtCode: string): Date => {
      const rule = dispatchByDistrict.get(districtCode);
      // A district without a pack: the strictest reading, now.
      if (!rule) return at;
      const deadline = deadlineFrom(at.toISOString(), rule);
      return new Date(2 * at.getTime() - deadline.getTime());
    };
    const cases = await store.casesWithoutFirstResponse(new Date(at.getTime() - LOOKBACK_MS), filedBefore);
    return cases.map((c) => ({ ...c, reason: 'no_first_response' as const }));
  }

  return {
    /** One pass of the reconciler; returns what it flagged for the first time. */
    async reconcileCases(): Promise<CaseAttention[]> {
      const at = now();
      const all = [...(await failedCases(at)), ...(await stuckCases()), ...(await unansweredReports(at))];
      const flagged: CaseAttention[] = [];
      for (const attention of all) {
        if (await store.flagged(attention)) continue;
        // Told first, flagged second: a retry after a failed send tells again (the key makes it once).
        await deps.notifier.send({
          idempotencyKey: `reconciler:${attention.caseId}:${attention.reason}`,
          event: { type: 'case_needs_attention', ...attention },
        });
        await store.flag(attention, at);
        flagged.push(attention);
      }
      // The ledger's safety net (issue #18): enrolments and changes whose call to Temporal failed are made now.
      if (deps.taskQueue) await resumePendingLedgerMonitoring(client, deps.taskQueue);
      return flagged;
    },
  };
}

export type ReconcilerActivities = ReturnType<typeof createReconcilerActivities>;
