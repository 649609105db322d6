/**
 * Activities of the ledger's monitoring workflow (workflows/ledger-monitoring.workflow.ts): read the child's ledger
 * facts, write the schedule and the visits to the child's file, and tell the street of a missed visit. All
 * idempotent: the visit by its id, the schedule by its visit number, the notice by its key.
 */
import type { Client } from '@temporalio/client';
import { Types } from 'mongoose';
import { responsibleAgencies } from '../models/agency-directory';
import { appendAudit } from '../models/audit-repository';
import { ChildModel, type ChildRecord } from '../models/child';
import { childrenAwaitingMonitoring, monitoringStartOf, setMonitoringPending } from '../models/ledger-repository';
import { withProjectionLock } from '../models/projection-lock';
import { newestPackOfDistrict, type LedgerVisitProfile } from '../policies/visits';
import { ledgerMonitoringWorkflow } from '../workflows/ledger-monitoring.workflow';
import { ledgerTaskQueue } from '../workflows/task-queues';
import {
  ledgerCaseClosedSignal,
  ledgerCaseOpenedSignal,
  ledgerChangedSignal,
  ledgerWorkflowId,
} from '../workflows/ledger.definitions';
import type { LedgerMonitoringInput, LedgerVisitReport } from '../workflows/ledger.definitions';

export interface LedgerProfile extends LedgerVisitProfile {
  /** The committee that supervises the arrangement (its agency code), else the street office. */
  committeeAgencyId?: string;
  streetOfficeId?: string;
  districtCode: string;
  /** The newest pack of the ledger's district: the workflow switches to it when the child moved district. */
  pack?: { id: string; version: string };
}

async function readChild(childId: string): Promise<ChildRecord | null> {
  if (!Types.ObjectId.isValid(childId)) return null;
  return ChildModel.findById(new Types.ObjectId(childId)).lean<ChildRecord>().exec();
}

export function createLedgerActivities(deps: { client: Client; taskQueue: string }) {
  return {
    /** The child's ledger facts, or null when the file holds no ledger entry (the workflow then ends). */
    async readLedgerProfile(childId: string): Promise<LedgerProfile | null> {
      const child = await readChild(childId);
      const place = child?.ledger?.place;
      if (!child || !place || child.mergedInto) return null;
      const agencies = await responsibleAgencies({
        districtCode: place.districtCode,
        streetCode: place.streetCode,
        ...(place.committeeCode ? { committeeCode: place.committeeCode } : {}),
      });
      const committee = agencies.residents_committee ?? agencies.villagers_committee;
      const pack = newestPackOfDistrict(place.districtCode);
      return {
        riskLevel: child.riskLevel,
        leftBehind: child.flags?.leftBehind ?? false,
        categories: child.categories,
        multipleDifficulty: child.flags?.multipleDifficulty ?? false,
        districtCode: place.districtCode,
        ...(pack ? { pack } : {}),
        ...(committee ? { committeeAgencyId: committee } : {}),
        ...(agencies.street_office ? { streetOfficeId: agencies.street_office } : {}),
      };
    },

    /** Writes the next visit's due time and interval to the ledger (the list's "overdue" reads it). */
    async setLedgerSchedule(input: {
      childId: string;
      dueAt: string;
      duration: string;
      clause: string;
      status: 'monitoring' | 'case_open';
      missedVisits: number;
    }): Promise<void> {
      await withProjectionLock(`child:${input.childId}`, async () => {
        await ChildModel.updateOne(
          { _id: new Types.ObjectId(input.childId), ledger: { $exists: true } },
          {
            $set: {
              'ledger.nextVisitDue': new Date(input.dueAt),
              'ledger.visitInterval': { duration: input.duration, clause: input.clause },
              'ledger.status': input.status,
              'ledger.missedVisits': input.missedVisits,
            },
          },
        ).exec();
      });
    },

    /** The ledger pauses while a case is open: no due visit on the list (the case's visits run). */
    async setLedgerCaseOpen(input: { childId: string; caseId: string }): Promise<void> {
      await withProjectionLock(`child:${input.childId}`, async () => {
        await ChildModel.updateOne(
          { _id: new Types.ObjectId(input.childId), ledger: { $exists: true } },
          { $set: { 'ledger.status': 'case_open' }, $unset: { 'ledger.nextVisitDue': '' } },
        ).exec();
      });
    },

    /** Records a visit on the child's file, once per visit id, with its audit entry. */
    async recordLedgerVisit(input: { childId: string; visitNo: number; dueAt?: string; visit: LedgerVisitReport }) {
      const { childId, visit } = input;
      const _id = new Types.ObjectId(childId);
      await withProjectionLock(`child:${childId}`, async () => {
        const visitedAt = new Date(visit.visitedAt);
        // The visit's judgement goes on the arrangement only when the file has one: a `$set` of the path alone would
        // create an arrangement holding nothing but `adequate` (no caregiver), which the ledger page cannot show.
        const file = await ChildModel.findById(_id, { 'ledger.arrangement.caregiverName': 1 })
          .lean<Pick<ChildRecord, 'ledger'>>()
          .exec();
        const judged = file?.ledger?.arrangement?.caregiverName
          ? { 'ledger.arrangement.adequate': visit.arrangementAdequate }
          : {};
        await ChildModel.updateOne(
          { _id, 'ledger.visits.visitId': { $ne: visit.visitId } },
          {
            $push: {
              'ledger.visits': {
                visitId: visit.visitId,
                ...(input.dueAt ? { dueAt: new Date(input.dueAt) } : {}),
                visitedAt,
                by: visit.visitor,
                childPresent: visit.childPresent,
                guardianPresent: visit.guardianPresent,
                arrangementAdequate: visit.arrangementAdequate,
                needs: visit.needs,
                newConcern: visit.newConcern,
                ...(visit.note ? { note: visit.note } : {}),
              },
              history: { at: visitedAt, event: 'ledger_visit', note: `visit ${input.visitNo}` },
            },
            $set: { 'ledger.lastVisitAt': visitedAt, ...judged },
            $inc: { 'ledger.version': 1 },
          },
        ).exec();
      });
      await appendAudit({
        key: `${ledgerWorkflowId(childId)}:visit:${visit.visitId}`,
        actor: { kind: 'user', id: visit.visitor.userId },
        action: 'ledger.visit_recorded',
        childId: _id,
        at: new Date(visit.visitedAt),
        details: { visitNo: input.visitNo, actorRole: visit.visitor.role, newConcern: visit.newConcern },
      });
    },

    /**
     * Starts the child's monitoring workflow, or tells a running one that the child's case closed; a child returned
     * from a closed case with no ledger entry is enrolled on the ledger of the case's street first (source 'case').
     */
    async returnToLedgerMonitoring(input: {
      childId: string;
      caseId: string;
      closedAt: string;
      pack: LedgerMonitoringInput['pack'];
      place?: { districtCode: string; streetCode?: string; committeeCode?: string };
    }): Promise<{ workflowId: string; enrolled: boolean }> {
      const child = await readChild(input.childId);
      let enrolled = false;
      if (child && !child.ledger && input.place?.streetCode) {
        const now = new Date(input.closedAt);
        const result = await withProjectionLock(`child:${input.childId}`, () =>
          ChildModel.updateOne(
            { _id: child._id, ledger: { $exists: false } },
            {
              $set: {
                ledger: {
                  place: {
                    districtCode: input.place!.districtCode,
                    streetCode: input.place!.streetCode,
                    ...(input.place!.committeeCode ? { committeeCode: input.place!.committeeCode } : {}),
                  },
                  status: 'monitoring',
                  source: 'case',
                  enrolledAt: now,
                  enrolledBy: { userId: input.caseId, role: 'system' },
                  missedVisits: 0,
                  visits: [],
                  transfers: [],
                  version: 1,
                },
              },
              $push: { history: { at: now, event: 'ledger_enrolled', caseWorkflowId: input.caseId, note: 'case' } },
            },
          ).exec(),
        );
        enrolled = result.modifiedCount > 0;
        if (enrolled)
          await appendAudit({
            key: `${input.caseId}:ledger-return:${input.closedAt}`,
            actor: { kind: 'workflow', id: input.caseId },
            action: 'ledger.enrolled',
            childId: child._id,
            reason: 'case closed: the child returns to the ledger (CN 五(一))',
          });
      }
      const start = monitoringStart(deps.taskQueue, {
        childId: input.childId,
        // The district's current rules, not the closed case's pinned version (a pack outside the bundle is kept).
        pack: (input.place && newestPackOfDistrict(input.place.districtCode)) ?? input.pack,
        since: input.closedAt,
      });
      await deps.client.workflow.signalWithStart(ledgerMonitoringWorkflow, {
        ...start,
        signal: ledgerCaseClosedSignal,
        signalArgs: [{ caseId: input.caseId, closedAt: input.closedAt }],
      });
      return { workflowId: start.workflowId, enrolled };
    },

    /**
     * Issue #18: tells the child's monitoring workflow that the case is open, from the case itself once its projection
     * is written (so an enrolment that reads no open case must have written the ledger entry before this read, and
     * is found here). A child whose file holds a ledger entry gets its workflow signalled, or started paused on the
     * case (signal-with-start: the enrolment's own start may not have reached Temporal yet); a child not on a ledger
     * has none to tell, and an enrolment after this read finds the case's projection.
     */
    async tellLedgerOfOpenCase(input: { childId: string; caseId: string }): Promise<{ told: boolean }> {
      const child = await readChild(input.childId);
      const place = child?.ledger?.place;
      const pack = place && newestPackOfDistrict(place.districtCode);
      if (!child || child.mergedInto || !pack) return { told: false };
      await deps.client.workflow.signalWithStart(ledgerMonitoringWorkflow, {
        ...monitoringStart(deps.taskQueue, {
          childId: input.childId,
          pack,
          since: new Date().toISOString(),
          openCaseId: input.caseId,
        }),
        signal: ledgerCaseOpenedSignal,
        signalArgs: [{ caseId: input.caseId }],
      });
      return { told: true };
    },
  };
}

export type LedgerActivities = ReturnType<typeof createLedgerActivities>;

/**
 * The input of a monitoring workflow started now for a child on a ledger, under the district's newest pack. The rule
 * of every such start (the enrol route, a screening import, a change, the reconciler), whichever path starts the
 * workflow first: the first visit counts from the ledger's last visit (`ledger.lastVisitAt`, e.g. the paper ledger's
 * 上次走访日期 given at enrolment), else from now, and the workflow starts paused on the child's open case, if any (its
 * visits run first). Read from the file and the case's projection here (monitoringStartOf), so a caller calls only
 * after its write of the ledger entry.
 */
async function ledgerMonitoringInput(child: { childId: string; districtCode: string }): Promise<LedgerMonitoringInput> {
  const pack = newestPackOfDistrict(child.districtCode);
  if (!pack) throw new Error(`no policy pack for district ${child.districtCode}`);
  const { since, openCaseId } = await monitoringStartOf(child.childId);
  return {
    childId: child.childId,
    pack,
    since: (since ?? new Date()).toISOString(),
    ...(openCaseId ? { openCaseId } : {}),
  };
}

/**
 * Starts the monitoring workflow of a child just put on a ledger (the enrol route, a screening import), as
 * ledgerMonitoringInput says: one per child (`USE_EXISTING`: enrolling again, or a retry, finds the running one).
 */
export async function startLedgerMonitoring(
  client: Client,
  taskQueue: string,
  child: { childId: string; districtCode: string },
): Promise<{ workflowId: string; runId: string }> {
  const input = await ledgerMonitoringInput(child);
  const workflowId = ledgerWorkflowId(child.childId);
  const handle = await client.workflow.start(ledgerMonitoringWorkflow, {
    workflowId,
    taskQueue: ledgerTaskQueue(taskQueue),
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

/**
 * Tells the child's monitoring workflow that the ledger facts changed (a correction, a transfer), starting it as
 * ledgerMonitoringInput says when it does not run yet (an enrolment whose start did not reach Temporal): it
 * recomputes the next visit.
 */
export async function tellLedgerChanged(
  client: Client,
  taskQueue: string,
  child: { childId: string; districtCode: string },
): Promise<void> {
  await client.workflow.signalWithStart(ledgerMonitoringWorkflow, {
    ...monitoringStart(taskQueue, await ledgerMonitoringInput(child)),
    signal: ledgerChangedSignal,
    signalArgs: [],
  });
}

/**
 * The start half of a signal-with-start to the child's monitoring workflow (one per child): a closure, an opening or a
 * change of facts reaches it, starting it with `input` when it does not run yet (the enrolment's start may not have).
 * Every `taskQueue` in this file is ChildSafe's queue; a monitoring workflow starts on its ledger queue
 * (workflows/task-queues.ts says why). A signal reaches a running workflow whichever queue it runs on.
 */
function monitoringStart(taskQueue: string, input: LedgerMonitoringInput) {
  return {
    workflowId: ledgerWorkflowId(input.childId),
    taskQueue: ledgerTaskQueue(taskQueue),
    args: [input] as [LedgerMonitoringInput],
  };
}

/**
 * The safety net behind an enrolment or a change whose call to Temporal failed (or whose API stopped in between):
 * every child marked `ledger.monitoringPending` gets its workflow started or told, then the mark is cleared. Run by
 * the reconciler every minute; idempotent (a running workflow is only signalled).
 */
export async function resumePendingLedgerMonitoring(
  client: Client,
  taskQueue: string,
  limit = 200,
): Promise<{ resumed: number; failed: number }> {
  const pending = await childrenAwaitingMonitoring(limit);
  let failed = 0;
  for (const child of pending) {
    try {
      await tellLedgerChanged(client, taskQueue, child);
      await setMonitoringPending(child.childId, false);
    } catch {
      // Kept marked: the next pass tries again; one child's failure does not hold up the others.
      failed += 1;
    }
  }
  return { resumed: pending.length - failed, failed };
}
