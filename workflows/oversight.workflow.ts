/**
 * Oversight of one agency (FT 三(三)2(4) "当负责困境儿童和留守儿童工作的相关部门不积极履行职责时，检察院要依法行使司法监督
 * 权力"; issue #17 item 6). Id `oversight-<agencyId>`, started by the first task of the agency that runs through its
 * whole escalation ladder (signal-with-start from the reportLadderExhausted activity), then long-running: each further
 * exhausted ladder is one signal. When the pack's number of exhaustions falls inside its period, the agency is
 * referred to the district procuratorate with a procuratorate_supervision task, and those exhaustions are consumed
 * (the next referral needs as many new ones).
 *
 * Why a workflow and not a count over recorded escalations: the count is durable state with its own history (a
 * referral is opened exactly once, even when the worker dies between counting and opening), a retried report is
 * deduplicated by task and phase inside the workflow, and reports from two tasks at the same moment are serialised by
 * the workflow's signal handling instead of racing on a database count.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { addDuration, subtractDuration } from '../policies/duration';
import { agencyTaskWorkflow } from './agency-task.workflow';
import { nowIso } from './clocks';
import {
  ladderExhaustedSignal,
  oversightStatusQuery,
  type LadderExhaustion,
  type OversightInput,
  type OversightState,
  type ReferralRule,
} from './definitions';
import { resolvePack } from './packs';

export const SUPERVISION_TASK_KIND = 'procuratorate_supervision';

/** History events after which the oversight workflow continues-as-new (it may live for years). */
const HISTORY_LIMIT = 2_000;

export function initialOversightState(agencyId: string): OversightState {
  return { agencyId, pending: [], seen: [], referrals: [], referralSeq: 0 };
}

/** Records one exhausted ladder (a signal handler: no I/O). A repeat of the same task and phase is ignored. */
export function recordExhaustion(state: OversightState, exhaustion: LadderExhaustion): boolean {
  const key = `${exhaustion.taskId}:${exhaustion.phase}`;
  if (exhaustion.agencyId !== state.agencyId || state.seen.some((s) => s.key === key)) return false;
  state.seen.push({ key, at: exhaustion.at });
  state.pending.push(exhaustion);
  return true;
}

/**
 * Drops what aged out of the period (counted back from `now`), and returns the exhaustions that make a referral when
 * there are at least the pack's number of them inside the period.
 */
export function dueReferral(state: OversightState, rule: ReferralRule, now: string): LadderExhaustion[] | undefined {
  const from = subtractDuration(new Date(now), rule.period).getTime();
  state.pending = state.pending.filter((e) => new Date(e.at).getTime() >= from);
  state.seen = state.seen.filter((s) => addDuration(new Date(s.at), rule.period).getTime() >= from);
  return state.pending.length >= rule.exhaustedLadders ? [...state.pending] : undefined;
}

/** Opens the procuratorate's supervision task about the agency, with the exhaustions that triggered it. */
async function refer(input: OversightInput, state: OversightState, exhaustions: LadderExhaustion[]): Promise<void> {
  const pack = resolvePack(input.pack);
  const rule = pack.taskKinds[SUPERVISION_TASK_KIND];
  const ladder = rule ? pack.escalationLadders[rule.ladder] : undefined;
  if (!rule || !ladder) {
    log.warn('pack has no supervision task kind', { agencyId: input.agencyId, pack: `${pack.id}@${pack.version}` });
    return;
  }
  state.referralSeq += 1;
  const taskId = `${workflowInfo().workflowId}/task-${state.referralSeq}-${SUPERVISION_TASK_KIND}`;
  const createdAt = nowIso();
  state.pending = state.pending.filter((e) => !exhaustions.includes(e));
  state.referrals.push({ taskId, at: createdAt, exhaustions });
  await startChild(agencyTaskWorkflow, {
    workflowId: taskId,
    // The referral outlives a continue-as-new of the oversight workflow; its outcome is in its own state and projection.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [
      {
        taskId,
        ownerWorkflowId: workflowInfo().workflowId,
        reportToOwner: false,
        kind: SUPERVISION_TASK_KIND,
        agencyId: input.procuratorateAgencyId,
        collaboratingAgencyIds: [],
        concerns: [],
        createdAt,
        rule,
        ladder,
        pack: { id: pack.id, version: pack.version },
        subject: {
          kind: 'ladder_exhaustion',
          againstAgencyId: input.agencyId,
          exhaustions,
          threshold: input.rule.exhaustedLadders,
          period: input.rule.period,
          clause: input.rule.clause,
        },
      },
    ],
  });
}

export async function oversightWorkflow(input: OversightInput): Promise<void> {
  const state = input.carried ?? initialOversightState(input.agencyId);
  let received = 0;
  setHandler(oversightStatusQuery, () => state);
  setHandler(ladderExhaustedSignal, (exhaustion) => {
    if (recordExhaustion(state, exhaustion)) received += 1;
  });
  let handled = 0;
  for (;;) {
    await condition(() => received > handled);
    handled = received;
    const due = dueReferral(state, input.rule, nowIso());
    if (due) await refer(input, state, due);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_LIMIT) {
      await condition(allHandlersFinished);
      if (received === handled) await continueAsNew<typeof oversightWorkflow>({ ...input, carried: state });
    }
  }
}
