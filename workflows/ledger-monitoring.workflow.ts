/**
 * Periodic visits to a child on a street's ledger (CN 五(一), FT 三(一)1, 三(二)2; issue #18 item 3): one long-running
 * workflow per child (`ledgerWorkflowId(childId)`), a durable timer per visit, continue-as-new to keep the history
 * short. The interval is the pack's, by risk, left-behind status, category and multiple difficulty
 * (policies/visits.ts). The visitor records the visit (an update); a visit not recorded by its due time escalates to
 * the street once; an arrangement found inadequate opens a committee task (FT 三(一)4(3), 三(二)2) to put it right.
 * While the child has an open case the case's visits run and these wait; the case's closing returns the child here.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ActivityOptions,
  type LocalActivityOptions,
} from '@temporalio/workflow';
import type { LedgerActivities, LedgerProfile } from '../activities/ledger';
import { addDuration } from '../policies/duration';
import { ledgerVisitRule } from '../policies/visits';
import { agencyTaskWorkflow } from './agency-task.workflow';
import { msUntil } from './clocks';
import { taskWorkflowId, type PackRef } from './definitions';
import {
  LedgerRejection,
  ledgerCaseClosedSignal,
  ledgerCaseOpenedSignal,
  ledgerChangedSignal,
  ledgerMonitoringQuery,
  ledgerWorkflowId,
  recordLedgerVisitUpdate,
  type LedgerMonitoringInput,
  type LedgerMonitoringState,
  type LedgerMonitoringView,
  type LedgerVisitReport,
} from './ledger.definitions';
import { packRefOf, resolvePack } from './packs';
import type { PolicyPack } from '../policies/schema';
import { sendNotice, sendNoticeLocally } from './proxies';
import { caseTaskQueueOf } from './task-queues';

const ledgerActivityOptions: ActivityOptions & LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
};
const { readLedgerProfile, setLedgerSchedule, setLedgerCaseOpen, recordLedgerVisit } =
  proxyActivities<LedgerActivities>(ledgerActivityOptions);
/** The schedule's read and write as local activities (a run under `LOCAL_ACTIVITIES_PATCH`). */
const { readLedgerProfile: readLedgerProfileLocally, setLedgerSchedule: setLedgerScheduleLocally } =
  proxyLocalActivities<LedgerActivities>(ledgerActivityOptions);

/** The task kind a committee gets for an inadequate arrangement (pack 1.3.0 taskKinds). */
export const ARRANGEMENT_TASK_KIND = 'guardianship_arrangement' as const;
/** Continue as new well before the history grows large (a visit cycle is about a dozen events). */
const HISTORY_EVENT_LIMIT = 1_000;
const REMEMBERED_VISITS = 50;
/** Patch: a child transferred to another district is visited under that district's pack from then on (issue #18). */
export const TRANSFER_PACK_PATCH = 'ledger-transfer-pack';
/** Patch: a child moved to another street of the district while its visit was overdue: the new street is told too. */
export const STREET_MOVE_NOTICE_PATCH = 'ledger-street-move-notice';
/**
 * Issue #18 (10k visits falling due together): a missed visit's schedule write and the street's notice are scheduled
 * together, in one workflow task, instead of one after the other (the same activities and inputs, one round trip
 * fewer per missed visit). Runs recorded before it replay the old order.
 */
export const MISSED_VISIT_ONE_STEP_PATCH = 'ledger-missed-visit-one-step';
/**
 * Issue #18 (10k visits falling due together, their workflows no longer cached): a missed visit tells the street the
 * schedule was set with (`state.streetOfficeId`) in the workflow task its timer starts, instead of reading the child's
 * file first and telling it one workflow task later. A change of the child's facts since reaches the workflow as
 * `ledgerChanged` (the API's signal, or the reconciler's within a minute: activities/ledger.ts); a street or district
 * that changed after the street was told is told too (`followStreetMove`, `adoptDistrictPack`). Runs recorded before
 * it, and schedules set before it (no street kept), read the file as before.
 */
export const MISSED_VISIT_KNOWN_STREET_PATCH = 'ledger-missed-visit-known-street';
/**
 * Issue #18 (100k monitored children; 10k visits falling due together), asked once when a run starts: the run's
 * schedules read the child's file and write the next visit, and a missed visit told to the known street writes its
 * schedule and sends the notice, as **local activities**, run by the worker inside the workflow task and recorded as
 * markers. A child's setup is one workflow task (not three, with two activity tasks), a visit falling due replays one
 * task's history, and a missed visit is the one workflow task its timer starts. The same activities and inputs (the
 * notifier is idempotent on workflow id + logical key, so a local activity run again after a crash tells the street
 * once).
 *
 * README.md, "What we learned about local activities": a replay can resolve a local activity one task earlier than
 * the run did, so nothing straight after one may depend on the task it lands in. Such a run therefore asks no patch
 * after its start (every older patch of this file holds for it: `since`), decides whether a visit is due, and whether
 * to continue as new, on the time and history length of the moment it last woke (`woke`: the run's first task or the
 * end of a wait, before any local activity), and continues as new or ends only in a task a 1 ms timer starts. Runs
 * started before it (no marker in their first task) keep the activities and the old loop, verbatim.
 */
export const LOCAL_ACTIVITIES_PATCH = 'ledger-local-activities';

function reject(message: string, type: string): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

function freshState(since: string): LedgerMonitoringState {
  return {
    visitNo: 1,
    anchorAt: since,
    escalated: false,
    missedVisits: 0,
    profileChanged: false,
    recordedVisitIds: [],
    committeeTasks: 0,
  };
}

/** One run of a child's monitoring: its state (carried across continue-as-new) and its named steps. */
class LedgerMonitoring {
  /** The district pack the visits run under: the input's, until a transfer to another district (`adoptDistrictPack`). */
  pinned: PackRef;
  pack: PolicyPack;
  readonly workflowId: string;
  readonly state: LedgerMonitoringState;
  /** Visits received by the update, recorded by the main loop. */
  readonly pending: LedgerVisitReport[] = [];
  /** This run uses local activities (`LOCAL_ACTIVITIES_PATCH`, asked in its first task). */
  readonly local: boolean;
  /** Workflow time and history when the run last woke: its first task, or the end of a wait (`wake`). */
  woke = { at: 0, historyLength: 0, continueAsNewSuggested: false };

  constructor(private readonly input: LedgerMonitoringInput) {
    this.pinned = input.pack;
    this.pack = resolvePack(input.pack);
    this.workflowId = ledgerWorkflowId(input.childId);
    this.state = input.carried ?? {
      ...freshState(input.since),
      ...(input.openCaseId ? { openCaseId: input.openCaseId } : {}),
    };
    this.local = patched(LOCAL_ACTIVITIES_PATCH);
    this.wake();
  }

  /** Notes the time and history of the task the run just woke in (called before any local activity of that task). */
  wake(): void {
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    this.woke = { at: Date.now(), historyLength, continueAsNewSuggested };
  }

  /** Whether a patch older than `LOCAL_ACTIVITIES_PATCH` holds: always in a local run, which asks none after its start. */
  private since(patchId: string): boolean {
    return this.local || patched(patchId);
  }

  /** Whether the next visit is past due: at the moment the run woke, in a local run. */
  private due(dueAt: string): boolean {
    return this.local ? Date.parse(dueAt) <= this.woke.at : msUntil(dueAt) === 0;
  }

  /** How long to wait for the next visit: from the moment the run woke, in a local run. */
  private untilDue(dueAt: string): number {
    return this.local ? Math.max(1, Date.parse(dueAt) - this.woke.at) : msUntil(dueAt);
  }

  /** In a local run: whether to continue as new, decided on the history the run woke with. */
  continueSuggested(limit: number): boolean {
    return this.woke.continueAsNewSuggested || this.woke.historyLength > limit;
  }

  view(): LedgerMonitoringView {
    const { state } = this;
    return {
      childId: this.input.childId,
      pack: packRefOf(this.pinned),
      status: state.ended ? 'ended' : state.openCaseId ? 'case_open' : 'monitoring',
      visitNo: state.visitNo,
      ...(state.dueAt ? { dueAt: state.dueAt } : {}),
      ...(state.interval ? { interval: state.interval } : {}),
      ...(state.lastVisitAt ? { lastVisitAt: state.lastVisitAt } : {}),
      escalated: state.escalated,
      missedVisits: state.missedVisits,
      ...(state.openCaseId ? { openCaseId: state.openCaseId } : {}),
      committeeTaskIds: Array.from({ length: state.committeeTasks }, (_, i) =>
        taskWorkflowId(this.workflowId, ARRANGEMENT_TASK_KIND, i + 1),
      ),
    };
  }

  caseClosed(caseId: string, closedAt: string): void {
    const { state } = this;
    // A close of another (older) case changes nothing; the open case's close returns the child to these visits.
    if (state.openCaseId && state.openCaseId !== caseId) return;
    const wasOpen = state.openCaseId !== undefined;
    state.openCaseId = undefined;
    if (wasOpen || !state.lastVisitAt) {
      // The next visit counts from the closing (the case's last visit was the case's own).
      state.anchorAt = closedAt;
      state.lastVisitAt = undefined;
      state.dueAt = undefined;
      state.escalated = false;
    }
  }

  validateVisit(visit: LedgerVisitReport): void {
    const { state } = this;
    if (state.ended) reject('the child is no longer on the ledger', LedgerRejection.InvalidVisit);
    if (state.openCaseId && !state.recordedVisitIds.includes(visit.visitId))
      reject(
        `the child's case ${state.openCaseId} is open: its monitoring visits are recorded on the case`,
        LedgerRejection.CaseOpen,
      );
    if (!visit.visitId || Number.isNaN(Date.parse(visit.visitedAt)))
      reject('a visit needs its id and time', LedgerRejection.InvalidVisit);
    if (Date.parse(visit.visitedAt) > Date.now() + 60_000)
      reject('a visit cannot be recorded before it happened', LedgerRejection.InvalidVisit);
  }

  async receiveVisit(visit: LedgerVisitReport): Promise<LedgerMonitoringView> {
    if (!this.state.recordedVisitIds.includes(visit.visitId)) {
      this.pending.push(visit);
      await condition(() => this.state.recordedVisitIds.includes(visit.visitId));
    }
    return this.view();
  }

  /** Sets the next visit from the last one (or the anchor) by the pack's interval for the child as it is now. */
  async schedule(): Promise<boolean> {
    const { state } = this;
    const locally = this.local;
    const profile = await (locally ? readLedgerProfileLocally : readLedgerProfile)(this.input.childId);
    if (!profile) return false;
    this.adoptDistrictPack(profile);
    this.followStreetMove(profile);
    const chosen = ledgerVisitRule(this.pack, profile);
    state.interval = {
      duration: chosen.rule.duration,
      clause: chosen.rule.clause,
      basis: chosen.basis,
      ...(chosen.category ? { category: chosen.category } : {}),
    };
    state.dueAt = addDuration(new Date(state.lastVisitAt ?? state.anchorAt), chosen.rule.duration).toISOString();
    state.streetOfficeId = profile.streetOfficeId;
    state.profileChanged = false;
    await this.writeSchedule(locally);
    return true;
  }

  /**
   * The child was transferred to another district (its ledger place, read by the profile activity, is no longer the
   * pack's district): from now on its visits follow the new district's pack, which the activity resolved (recorded in
   * history, so a replay takes the same one). The new street has not been told of an overdue visit yet: the visit may
   * escalate again, there. A transfer within the district changes nothing here. Behind a patch: runs recorded before
   * it, and profiles read before the activity named the pack, keep their pack.
   */
  private adoptDistrictPack(profile: LedgerProfile): void {
    if (!profile.pack || profile.districtCode === this.pack.district.code) return;
    if (!this.since(TRANSFER_PACK_PATCH)) return;
    this.pinned = { id: profile.pack.id, version: profile.pack.version };
    this.pack = resolvePack(this.pinned);
    this.state.districtMoves = (this.state.districtMoves ?? 0) + 1;
    if (this.state.escalated) {
      // Counted again if it is still missed under the new district's rules (then the new street is told).
      this.state.escalated = false;
      this.state.missedVisits -= 1;
    }
  }

  /**
   * The child moved to another street of the district while its visit was overdue and the old street had been told:
   * the new street keeps the child's file now and must know too, so the visit may escalate again, there, if it is
   * still missed by the interval as recomputed. A move to another district is `adoptDistrictPack`'s. Only a street
   * told by this code is compared (`toldStreetId`); runs recorded before the patch take no new step.
   */
  private followStreetMove(profile: LedgerProfile): void {
    const { state } = this;
    if (!state.escalated || !state.toldStreetId || !profile.streetOfficeId) return;
    if (profile.streetOfficeId === state.toldStreetId) return;
    if (!this.since(STREET_MOVE_NOTICE_PATCH)) return;
    state.escalated = false;
    state.missedVisits -= 1;
    state.streetMoves = (state.streetMoves ?? 0) + 1;
  }

  private async writeSchedule(locally = false): Promise<void> {
    await (locally ? setLedgerScheduleLocally : setLedgerSchedule)({
      childId: this.input.childId,
      dueAt: this.state.dueAt!,
      duration: this.state.interval!.duration,
      clause: this.state.interval!.clause,
      status: 'monitoring',
      missedVisits: this.state.missedVisits,
    });
  }

  async record(visit: LedgerVisitReport): Promise<void> {
    const { state } = this;
    await recordLedgerVisit({
      childId: this.input.childId,
      visitNo: state.visitNo,
      ...(state.dueAt ? { dueAt: state.dueAt } : {}),
      visit,
    });
    if (!visit.arrangementAdequate) await this.openCommitteeTask(visit);
    state.recordedVisitIds = [...state.recordedVisitIds, visit.visitId].slice(-REMEMBERED_VISITS);
    state.lastVisitAt = visit.visitedAt;
    state.visitNo += 1;
    state.escalated = false;
    state.dueAt = undefined;
  }

  /** FT 三(一)4(3), 三(二)2: the committee supervises the migrant parents' arrangement and puts it right. */
  private async openCommitteeTask(visit: LedgerVisitReport): Promise<void> {
    const rule = this.pack.taskKinds[ARRANGEMENT_TASK_KIND];
    const profile = await readLedgerProfile(this.input.childId);
    const agencyId = profile?.committeeAgencyId ?? profile?.streetOfficeId;
    if (!rule || !agencyId) return;
    this.state.committeeTasks += 1;
    const taskId = taskWorkflowId(this.workflowId, ARRANGEMENT_TASK_KIND, this.state.committeeTasks);
    const street = profile?.streetOfficeId;
    await startChild(agencyTaskWorkflow, {
      workflowId: taskId,
      // A task is ChildSafe's work, not the ledger's: on ChildSafe's queue (workflows/task-queues.ts).
      taskQueue: caseTaskQueueOf(workflowInfo().taskQueue),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          taskId,
          ownerWorkflowId: this.workflowId,
          reportToOwner: false,
          kind: ARRANGEMENT_TASK_KIND,
          agencyId,
          collaboratingAgencyIds: street && street !== agencyId ? [street] : [],
          concerns: [],
          createdAt: visit.visitedAt,
          rule,
          ladder: this.pack.escalationLadders[rule.ladder] ?? [],
          pack: packRefOf(this.pinned),
        },
      ],
    });
  }

  /**
   * The expected visit passed its due time unrecorded: the street is told, once per visit: the street the schedule
   * read (patch `ledger-missed-visit-known-street`), else the street read now; in a local run the schedule write and
   * the notice to the known street are local activities; before the one-step patch the schedule is written before the
   * notice.
   */
  async escalateMissed(): Promise<void> {
    const { state } = this;
    const locally = this.local && !!state.streetOfficeId;
    const known =
      state.streetOfficeId && this.since(MISSED_VISIT_KNOWN_STREET_PATCH) ? state.streetOfficeId : undefined;
    const street = known ?? (await readLedgerProfile(this.input.childId))?.streetOfficeId;
    state.escalated = true;
    state.missedVisits += 1;
    if (street && (known || this.since(MISSED_VISIT_ONE_STEP_PATCH))) {
      state.toldStreetId = street;
      await Promise.all([this.writeSchedule(locally), this.noticeMissed(street, locally)]);
      return;
    }
    await this.writeSchedule();
    if (!street) return;
    state.toldStreetId = street;
    await this.noticeMissed(street);
  }

  private async noticeMissed(streetOfficeId: string, locally = false): Promise<void> {
    const { state } = this;
    await (locally ? sendNoticeLocally : sendNotice)({
      workflowId: this.workflowId,
      // After a move to another district or street the new street is told under its own key (the old one's was sent).
      logicalKey: `missed-visit:${state.visitNo}:${state.anchorAt}${state.districtMoves ? `:moved-${state.districtMoves}` : ''}${state.streetMoves ? `:street-${state.streetMoves}` : ''}`,
      event: {
        type: 'ledger_visit_missed',
        ledgerId: this.workflowId,
        childId: this.input.childId,
        streetOfficeId,
        visitNo: state.visitNo,
        dueAt: state.dueAt!,
        clause: state.interval!.clause,
      },
    });
  }

  /** One step of the main loop; false when the child has left the ledger. */
  async step(): Promise<boolean> {
    const { state } = this;
    const visit = this.pending.shift();
    if (visit) {
      await this.record(visit);
    } else if (state.openCaseId) {
      await setLedgerCaseOpen({ childId: this.input.childId, caseId: state.openCaseId });
      await condition(() => !state.openCaseId || this.pending.length > 0);
      this.wake();
    } else if (!state.dueAt || state.profileChanged) {
      if (!(await this.schedule())) return false;
    } else if (this.due(state.dueAt) && !state.escalated) {
      await this.escalateMissed();
    } else {
      const due = state.dueAt;
      const wake = () => this.pending.length > 0 || state.profileChanged || !!state.openCaseId || state.dueAt !== due;
      if (state.escalated) await condition(wake);
      else await condition(wake, this.untilDue(due));
      this.wake();
    }
    return true;
  }
}

export async function ledgerMonitoringWorkflow(input: LedgerMonitoringInput): Promise<LedgerMonitoringView> {
  const run = new LedgerMonitoring(input);
  setHandler(ledgerMonitoringQuery, () => run.view());
  setHandler(ledgerChangedSignal, () => {
    run.state.profileChanged = true;
  });
  setHandler(ledgerCaseOpenedSignal, ({ caseId }) => {
    run.state.openCaseId = caseId;
  });
  setHandler(ledgerCaseClosedSignal, ({ caseId, closedAt }) => run.caseClosed(caseId, closedAt));
  setHandler(recordLedgerVisitUpdate, (visit) => run.receiveVisit(visit), {
    validator: (visit) => run.validateVisit(visit),
  });

  const limit = input.historyEventLimit ?? HISTORY_EVENT_LIMIT;
  const carry = () =>
    continueAsNew<typeof ledgerMonitoringWorkflow>({ ...input, pack: run.pinned, carried: run.state });
  while (await run.step()) {
    if (run.local) {
      if (!run.continueSuggested(limit)) continue;
      // In a task of the run's own (a 1 ms timer), not straight after a local activity; a visit received meanwhile is
      // recorded first (the loop goes on, and decides again when it next wakes).
      await sleep(1);
      run.wake();
      if (run.pending.length === 0 && allHandlersFinished()) await carry();
    } else if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > limit) {
      await condition(allHandlersFinished);
      if (run.pending.length === 0) await carry();
    }
  }
  run.state.ended = true;
  if (run.local) await sleep(1);
  await condition(allHandlersFinished);
  return run.view();
}
