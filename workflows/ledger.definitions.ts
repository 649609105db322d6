/**
 * The ledger's monitoring workflow (issue #18 item 3): one long-running workflow per child on a street's ledger, id
 * `ledgerWorkflowId(childId)`, with its messages and state. See workflows/README.md ("Ledger monitoring").
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PackRef } from './definitions';

export function ledgerWorkflowId(childId: string): string {
  return `ledger-${childId}`;
}

export interface LedgerMonitoringInput {
  childId: string;
  /**
   * The district's newest pack when monitoring began; a continued run keeps it, or the pack of the district the child
   * was transferred to (patch `ledger-transfer-pack`).
   */
  pack: PackRef;
  /** When monitoring began (enrolment, or a case's closing): the first visit counts from here. */
  since: string;
  /** A case already open for the child when monitoring began: its visits run first (never both). */
  openCaseId?: string;
  /** Tests only: continue as new after this many history events (default 1,000). */
  historyEventLimit?: number;
  /** Carried across continue-as-new. */
  carried?: LedgerMonitoringState;
}

/** What the visitor records on a phone (FT 三(一)1, 三(二)2; 三(一)4(3) the arrangement the committee supervises). */
export interface LedgerVisitReport {
  /** The API's idempotency key of the visit: the same visit recorded twice is one visit. */
  visitId: string;
  visitedAt: string;
  visitor: { userId: string; role: string; agencyCode: string };
  childPresent: boolean;
  guardianPresent: boolean;
  arrangementAdequate: boolean;
  needs: string[];
  newConcern: boolean;
  note?: string;
}

export interface LedgerMonitoringState {
  /** The visit now expected (1, 2, …); its due time is `dueAt`. */
  visitNo: number;
  /** Monitoring (re)started here; the next visit counts from the last visit, else from here. */
  anchorAt: string;
  lastVisitAt?: string;
  dueAt?: string;
  /** The interval chosen for `dueAt` (pack clause and duration, and why). */
  interval?: { duration: string; clause: string; basis: string; category?: string };
  /** The expected visit is past due and the street was told (once per visit). */
  escalated: boolean;
  missedVisits: number;
  /** The case now open for the child: its visits run, the ledger's wait (never both). */
  openCaseId?: string;
  /** The child's facts changed (risk, categories, left-behind): recompute the interval. */
  profileChanged: boolean;
  /** Visit ids already recorded (the last 50), so a retried update is answered, not repeated. */
  recordedVisitIds: string[];
  /** Committee tasks opened for inadequate arrangements (the task sequence). */
  committeeTasks: number;
  /** Transfers to another district so far (patch `ledger-transfer-pack`): each switched the pack. */
  districtMoves?: number;
  /** The street told of the overdue visit (set when it is told), to see a move to another street. */
  toldStreetId?: string;
  /**
   * The child's street office as read when `dueAt` was set (patch `ledger-missed-visit-known-street`): a missed visit
   * tells it without reading the file again. A change of street since then reaches the workflow as `ledgerChanged`.
   */
  streetOfficeId?: string;
  /** Moves to another street of the district while a visit was overdue (patch `ledger-street-move-notice`). */
  streetMoves?: number;
  /** The child left the ledger (its file no longer holds one): the workflow ends. */
  ended?: boolean;
}

export interface LedgerMonitoringView {
  childId: string;
  /** The pack the visits run under now (the child's district's). */
  pack: PackRef;
  status: 'monitoring' | 'case_open' | 'ended';
  visitNo: number;
  dueAt?: string;
  interval?: LedgerMonitoringState['interval'];
  lastVisitAt?: string;
  escalated: boolean;
  missedVisits: number;
  openCaseId?: string;
  committeeTaskIds: string[];
}

export const LedgerRejection = {
  CaseOpen: 'LedgerCaseOpen',
  InvalidVisit: 'LedgerInvalidVisit',
} as const;

export const recordLedgerVisitUpdate = defineUpdate<LedgerMonitoringView, [LedgerVisitReport]>('recordLedgerVisit');
export const ledgerMonitoringQuery = defineQuery<LedgerMonitoringView>('ledgerMonitoring');
/** A case opened for the child (intake): the case's visits run until it closes. */
export const ledgerCaseOpenedSignal = defineSignal<[{ caseId: string }]>('ledgerCaseOpened');
/** The child's case closed: the child returns to the ledger's visits (CN 五(一)). */
export const ledgerCaseClosedSignal = defineSignal<[{ caseId: string; closedAt: string }]>('ledgerCaseClosed');
/**
 * The ledger facts changed (risk, categories, left-behind, multiple difficulty, a transfer): recompute. A transfer to
 * another district also switches the pack (read with the profile).
 */
export const ledgerChangedSignal = defineSignal<[]>('ledgerChanged');
