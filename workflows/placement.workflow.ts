/**
 * One temporary guardianship placement (CN 四(三)), short-term (at a temporary care site, 1 month in principle) or
 * medium/long-term (in a child welfare institution, 6 months in principle): a child workflow of the case, id
 * placementWorkflowId(caseId, seq, term).
 *
 * It runs the cap clock: reminders before the end (pack.placement.remindBefore), at the end a decision is required,
 * and while none is recorded the overrun escalates every pack.placement.overrunEscalationEvery. "In principle" allows
 * an extension, which only a coordinator approves, with its reason. The decision ends the placement; moving to
 * medium/long-term needs the police's written certificate that the guardian search failed. Every change is signalled
 * to the case (by workflow id, so it reaches the case's current run), which records it and acts on the decision.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { NotificationActivities } from '../activities';
import { addDuration, subtractDuration } from '../policies/duration';
import type { EscalationTarget } from '../policies/schema';
import { msUntil, nowIso } from './clocks';
import type { Actor, Clock } from './definitions';
import {
  COORDINATOR_ROLES,
  InterventionRejection,
  approveExtensionUpdate,
  isValidDuration,
  placementChangedSignal,
  placementDecisionSchema,
  placementStatusQuery,
  policeCertificateSignal,
  recordPlacementDecisionUpdate,
  recordPoliceCertificateUpdate,
  type Coordinator,
  type PlacementInput,
  type PlacementState,
  type PoliceCertificate,
} from './intervention.definitions';

const { notify } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '5 minutes' },
});

function reject(message: string, type: InterventionRejection): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

export function isCoordinator(actor: Actor | Coordinator | undefined): actor is Coordinator {
  return actor !== undefined && 'role' in actor && (COORDINATOR_ROLES as readonly string[]).includes(actor.role);
}

export function assertCoordinator(approver: Coordinator | undefined): void {
  if (!isCoordinator(approver)) {
    reject('only a street or district coordinator may approve this', InterventionRejection.NotCoordinator);
  }
}

/** The task kind whose agency is responsible for a placement of this term (used to address notifications). */
export function placementTaskKind(term: PlacementInput['term']): 'short_term_placement' | 'long_term_placement' {
  return term === 'short_term' ? 'short_term_placement' : 'long_term_placement';
}

/** The n-th overrun instant: the end plus n escalation intervals (calendar arithmetic, so P1M stays a month). */
export function overrunAt(endsAt: string, every: string, n: number): string {
  let at = new Date(endsAt);
  for (let i = 0; i < n; i += 1) at = addDuration(at, every);
  return at.toISOString();
}

interface Due {
  at: string;
  fire: () => Promise<void>;
}

export async function placementWorkflow(input: PlacementInput): Promise<PlacementState> {
  const state: PlacementState = {
    placementId: input.placementId,
    ownerWorkflowId: input.ownerWorkflowId,
    term: input.term,
    status: 'running',
    agencyId: input.agencyId,
    siteAgencyId: input.siteAgencyId,
    startedAt: input.startedAt,
    endsAt: addDuration(new Date(input.startedAt), input.cap.duration).toISOString(),
    clause: input.cap.clause,
    extensions: [],
    reminders: [],
    overruns: [],
    policeCertificate: input.policeCertificate,
    clocks: [],
  };
  const kind = placementTaskKind(input.term);
  /** Reminders count back from the current end, but only those after the period began (start or extension). */
  let periodStart = input.startedAt;
  let changed = true;

  const generation = () => state.extensions.length;
  const reminderAt = (before: string) => subtractDuration(new Date(state.endsAt), before).toISOString();
  const reminderSent = (before: string) => state.reminders.some((r) => r.capAt === state.endsAt && r.before === before);
  const overrunsOfPeriod = () => state.overruns.filter((o) => o.capAt === state.endsAt).length;

  const refreshClocks = () => {
    if (state.status === 'ended') {
      state.clocks = [];
      return;
    }
    const clocks: Clock[] = [
      {
        id: `${state.placementId}:end`,
        label: input.cap.label.en,
        clause: input.cap.clause,
        startedAt: state.startedAt,
        firesAt: state.endsAt,
      },
    ];
    const next = nextReminder();
    if (next) {
      clocks.push({
        id: `${state.placementId}:reminder`,
        label: `reminder ${next.before} before the end`,
        clause: input.cap.clause,
        startedAt: periodStart,
        firesAt: next.at,
      });
    }
    if (state.capReachedAt) {
      const n = overrunsOfPeriod() + 1;
      clocks.push({
        id: `${state.placementId}:overrun`,
        label: `decision overdue: escalation ${n}`,
        clause: input.cap.clause,
        startedAt: state.endsAt,
        firesAt: overrunAt(state.endsAt, input.overrunEscalationEvery, n),
      });
    }
    state.clocks = clocks;
  };

  const nextReminder = (): { before: string; at: string } | undefined =>
    input.remindBefore
      .map((before) => ({ before, at: reminderAt(before) }))
      .filter(({ before, at }) => !reminderSent(before) && at >= periodStart && at < state.endsAt)
      .sort((a, b) => a.at.localeCompare(b.at))[0];

  const escalate = (logicalKey: string, rung: number, target: EscalationTarget) =>
    // Reminders (rung 0, to the assignee) and overruns travel as task escalations of the placing task kind, so the
    // directory notifier resolves the placing agency's desk and the coordinators as for any missed deadline.
    notify({
      workflowId: state.placementId,
      logicalKey,
      event: {
        type: 'task_escalated',
        taskId: state.placementId,
        kind,
        agencyId: state.agencyId,
        phase: 'complete',
        rung,
        target,
        clause: input.cap.clause,
        deadline: state.endsAt,
      },
    });

  const nextDue = (): Due | undefined => {
    if (state.status === 'ended') return undefined;
    const reminder = nextReminder();
    if (reminder && !state.capReachedAt) {
      return {
        at: reminder.at,
        fire: async () => {
          state.reminders.push({ before: reminder.before, capAt: state.endsAt, at: nowIso() });
          await escalate(`remind:${generation()}:${reminder.before}`, 0, 'assignee');
        },
      };
    }
    if (!state.capReachedAt) {
      return {
        at: state.endsAt,
        fire: async () => {
          // CN 四(三): at the end the placement cannot simply run on; a decision is now required.
          state.capReachedAt = nowIso();
          await escalate(`end:${generation()}`, 0, 'street_coordinator');
        },
      };
    }
    const n = overrunsOfPeriod() + 1;
    return {
      at: overrunAt(state.endsAt, input.overrunEscalationEvery, n),
      fire: async () => {
        state.overruns.push({ n, capAt: state.endsAt, at: nowIso() });
        await escalate(`overrun:${generation()}:${n}`, n, 'district_coordinator');
      },
    };
  };

  const applyCertificate = (certificate: PoliceCertificate) => {
    if (state.policeCertificate) return;
    state.policeCertificate = certificate;
    changed = true;
  };

  setHandler(placementStatusQuery, () => state);

  setHandler(policeCertificateSignal, applyCertificate);

  setHandler(
    recordPoliceCertificateUpdate,
    ({ actor, certificateRef, issuedAt }) => {
      applyCertificate({ certificateRef, issuedAt, recordedBy: actor });
      return state;
    },
    {
      validator: ({ actor, certificateRef, issuedAt }) => {
        assertRunning();
        if (!input.policeAgencyIds.includes(actor.agencyId)) {
          reject(
            `only the police (${input.policeAgencyIds.join(', ')}) certify that the guardian search failed`,
            InterventionRejection.WrongAgency,
          );
        }
        if (!certificateRef?.trim())
          reject('the written certificate needs its reference', InterventionRejection.InvalidCommand);
        if (Number.isNaN(Date.parse(issuedAt)))
          reject('issuedAt must be an instant', InterventionRejection.InvalidCommand);
        if (state.policeCertificate)
          reject('a police certificate is already recorded', InterventionRejection.InvalidCommand);
      },
    },
  );

  setHandler(
    recordPlacementDecisionUpdate,
    ({ actor, decision, reason }) => {
      state.decision = { ...placementDecisionSchema.parse(decision), decidedBy: actor, decidedAt: nowIso(), reason };
      state.status = 'ended';
      state.endedAt = state.decision.decidedAt;
      changed = true;
      return state;
    },
    {
      validator: ({ actor, decision }) => {
        assertRunning();
        // The responsible agency (street office short-term, civil affairs long-term) or a coordinator decides.
        if (actor?.agencyId !== state.agencyId && !isCoordinator(actor)) {
          reject(
            `placement ${state.placementId} is decided by agency ${state.agencyId} or a coordinator`,
            InterventionRejection.WrongAgency,
          );
        }
        const parsed = placementDecisionSchema.safeParse(decision);
        if (!parsed.success) {
          reject(
            `invalid decision: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
            InterventionRejection.InvalidCommand,
          );
        }
        if (parsed.data.kind === 'move_to_long_term') {
          if (state.term !== 'short_term')
            reject('the placement is already medium/long-term', InterventionRejection.InvalidCommand);
          // CN 四(三): medium/long-term guardianship only after the police certify in writing that the search failed.
          if (!state.policeCertificate) {
            reject(
              'CN 四(三): medium/long-term guardianship needs the police written certificate that the guardian search failed',
              InterventionRejection.NoPoliceCertificate,
            );
          }
        }
      },
    },
  );

  setHandler(
    approveExtensionUpdate,
    ({ approver, reason, extendBy }) => {
      const previousEndsAt = state.endsAt;
      const approvedAt = nowIso();
      state.endsAt = addDuration(new Date(previousEndsAt), extendBy).toISOString();
      state.extensions.push({
        approvedBy: approver,
        reason: reason.trim(),
        extendBy,
        previousEndsAt,
        endsAt: state.endsAt,
        approvedAt,
      });
      state.capReachedAt = undefined;
      periodStart = approvedAt;
      changed = true;
      return state;
    },
    {
      validator: ({ approver, reason, extendBy }) => {
        assertRunning();
        // CN 四(三) "原则上": an extension beyond the cap is an exception a coordinator approves, with the reason.
        assertCoordinator(approver);
        if (!reason?.trim()) reject('an extension needs its reason', InterventionRejection.InvalidCommand);
        if (!isValidDuration(extendBy))
          reject('extendBy must be an ISO-8601 duration such as P14D', InterventionRejection.InvalidCommand);
      },
    },
  );

  function assertRunning(): void {
    if (state.status === 'ended')
      reject(`placement ${state.placementId} has ended`, InterventionRejection.PlacementEnded);
  }

  const report = async () => {
    changed = false;
    refreshClocks();
    try {
      await getExternalWorkflowHandle(input.ownerWorkflowId).signal(placementChangedSignal, state);
    } catch (err) {
      // The case may be gone (a test, or a closed case); the placement's own history still holds the record.
      log.warn('could not signal the case', { placementId: state.placementId, error: String(err) });
    }
  };

  await report();
  for (;;) {
    const due = nextDue();
    if (!due) break;
    const timedOut = !(await condition(() => changed || state.status === 'ended', Math.max(1, msUntil(due.at))));
    if (timedOut && state.status === 'running' && msUntil(due.at) === 0) {
      await due.fire();
      changed = true;
    }
    if (changed) await report();
  }
  await condition(allHandlersFinished);
  if (changed) await report();
  return state;
}
