/**
 * The school screening import's activities (issue #18 item 2, FT 三(二)1). A chunk is a range of staged rows; each
 * row is written idempotently, so a chunk retried after a worker crash does each row once:
 * - a row at or over the pack's report threshold becomes a mandatory report through the ordinary intake path: the
 *   intake workflow started with an id derived from the import and the row (a retry finds the same intake, the same
 *   receipt), which records the report and routes it to the child's case, whose police task follows like any other;
 * - any other row enrols or updates the child on the street's ledger (the ledger's own idempotent write).
 * A row's outcome is written when the row is done; a retried chunk skips the rows it finds done and reports their
 * stored outcome (models/screening-repository.ts).
 */
import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { startLedgerMonitoring } from './ledger';
import { intakeKey } from '../api/intake/receipts';
import type { IdentityCrypto } from '../models/identity-crypto';
import {
  completeScreeningImport,
  findScreeningImport,
  recordScreeningOutcome,
  recordScreeningProgress,
  screeningLedgerChildren,
  screeningRowsBetween,
  type ScreeningImportRecord,
  type ScreeningRowRecord,
  type StoredScreeningRow,
} from '../models/screening-repository';
import { getPolicyPack } from '../policies';
import { intakeWorkflow } from '../workflows/intake.workflow';
import { intakeWorkflowId, type IntakeInput, type ReportSubmission } from '../workflows/definitions';
import {
  screeningImportWorkflowId,
  type ScreeningChunk,
  type ScreeningCounts,
} from '../workflows/screening.definitions';

/** What the ledger needs to enrol or update a screened child (E's ledger repository implements it). */
export interface ScreeningLedgerEntry {
  idNumber: string;
  name: string;
  sex?: 'male' | 'female';
  dateOfBirth: string;
  districtCode: string;
  streetCode: string;
  committeeCode?: string;
  address?: string;
  school: { name: string; agencyCode: string };
  leftBehind: boolean;
  guardian?: { name: string; relation: string; phone?: string };
  /** FT 三(一)4(1): who cares for a left-behind child while the parents work away. */
  caregiver?: { name: string; relation?: string; phone?: string; since?: string };
  categories: string[];
  risk: 'low' | 'medium' | 'high';
  /** The screening that put the child on the ledger: import, row, date, score and the indicators marked. */
  screening: { key: string; importId: string; row: number; screenedOn: string; score: number; marked: string[] };
  by: { userId: string; role: string; agencyCode: string };
  /** The import's workflow: the actor of the ledger write. */
  workflowId: string;
  at: Date;
}

export interface ScreeningLedger {
  /** Idempotent per `screening.key`: the same row again changes nothing and answers the same child. */
  enrolFromScreening(entry: ScreeningLedgerEntry): Promise<{ childId: string; outcome: 'enrolled' | 'updated' }>;
  /**
   * The same ledger for the rows of one chunk, their children's files looked up in one query first (instead of one
   * look-up per row, each of which reads the whole children collection on FerretDB v1).
   */
  forRows(idNumbers: string[]): Promise<Pick<ScreeningLedger, 'enrolFromScreening'>>;
}

/** A row's outcome. */
type RowOutcome = Parameters<typeof recordScreeningOutcome>[1];

/** Rows of a chunk written at the same time. */
const ROW_LANES = 8;

/** The report key of a row: the import (school and file hash) and the row's position; never another report. */
export function screeningReportKey(importId: string, seq: number) {
  return intakeKey(`screening:${importId}`, `row-${seq}`);
}

function narrative(record: ScreeningImportRecord, row: ScreeningRowRecord): string {
  const pack = getPolicyPack(record.packId, record.packVersion);
  const rule = pack.screening!;
  const labels = rule.indicators.filter((i) => row.marked.includes(i.code)).map((i) => i.label.zh);
  return (
    `学校风险筛查（${row.screenedOn}，${record.agencyName}，第 ${row.row} 行）：${labels.join('；')}。` +
    `得分 ${row.score}，达到报告线 ${rule.reportThreshold.score} 分（${rule.clause}、${rule.reportThreshold.clause}）。` +
    (row.note ? `备注：${row.note}` : '')
  );
}

export function screeningIntakeInput(
  record: ScreeningImportRecord,
  row: ScreeningRowRecord,
  idNumber: string,
): IntakeInput {
  const { key, receipt } = screeningReportKey(record._id, row.seq);
  const routing = row.routing as Omit<IntakeInput, 'submission' | 'pack'>;
  const residence = {
    districtCode: record.districtCode,
    streetCode: row.streetCode,
    ...(row.committeeCode ? { committeeCode: row.committeeCode } : {}),
    ...(row.address ? { address: row.address } : {}),
  };
  const submission: ReportSubmission = {
    idempotencyKey: key,
    receipt,
    child: {
      name: row.name,
      ...(row.sex ? { sex: row.sex as 'male' | 'female' } : {}),
      dateOfBirth: row.dateOfBirth,
      idNumber,
      school: record.agencyName,
      leftBehind: row.leftBehind,
      residence,
    },
    reporter: {
      unitId: record.agencyCode,
      unitType: record.agencyType,
      staffId: record.uploadedBy,
      unitName: record.agencyName,
    },
    // A screening finds the child where they live: the residence is the place the street and police act.
    place: residence,
    concerns: row.concerns,
    // The screening date, start of the day in Beijing: when the school found it. Received: when the file came.
    discoveredAt: new Date(`${row.screenedOn}T00:00:00+08:00`).toISOString(),
    receivedAt: record.createdAt.toISOString(),
    leftBehind: row.leftBehind,
    narrative: narrative(record, row),
  };
  return { submission, pack: { id: record.packId, version: record.packVersion }, ...routing };
}

export function createScreeningActivities(deps: {
  client: Client;
  taskQueue: string;
  identity: IdentityCrypto;
  ledger: ScreeningLedger;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  /** Does the row's work (idempotent), then writes its outcome. */
  async function importRow(
    record: ScreeningImportRecord,
    row: StoredScreeningRow,
    idNumber: string,
    ledger: Pick<ScreeningLedger, 'enrolFromScreening'>,
  ): Promise<RowOutcome> {
    if (row.reports) {
      const input = screeningIntakeInput(record, row, idNumber);
      try {
        await deps.client.workflow.start(intakeWorkflow, {
          workflowId: intakeWorkflowId(input.submission.idempotencyKey),
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        // Started by an earlier attempt of this chunk: the same report, nothing more to do.
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      const reported: RowOutcome = { outcome: 'reported', receipt: input.submission.receipt };
      await recordScreeningOutcome(row._id, reported, now());
      return reported;
    }
    const { childId, outcome } = await ledger.enrolFromScreening({
      idNumber,
      name: row.name,
      ...(row.sex ? { sex: row.sex as 'male' | 'female' } : {}),
      dateOfBirth: row.dateOfBirth,
      districtCode: record.districtCode,
      streetCode: row.streetCode,
      ...(row.committeeCode ? { committeeCode: row.committeeCode } : {}),
      ...(row.address ? { address: row.address } : {}),
      school: { name: record.agencyName, agencyCode: record.agencyCode },
      leftBehind: row.leftBehind,
      ...(row.guardian?.relation
        ? {
            guardian: {
              name: row.guardian.name,
              relation: row.guardian.relation,
              ...(row.guardian.phone ? { phone: row.guardian.phone } : {}),
            },
          }
        : {}),
      ...(row.caregiver
        ? {
            caregiver: {
              name: row.caregiver.name,
              ...(row.caregiver.relation ? { relation: row.caregiver.relation } : {}),
              ...(row.caregiver.phone ? { phone: row.caregiver.phone } : {}),
              ...(row.caregiver.since ? { since: row.caregiver.since } : {}),
            },
          }
        : {}),
      categories: row.categories,
      risk: row.risk as 'low' | 'medium' | 'high',
      screening: {
        key: `${record._id}/${row.seq}`,
        importId: record._id,
        row: row.row,
        screenedOn: row.screenedOn,
        score: row.score,
        marked: row.marked,
      },
      by: { userId: record.uploadedBy, role: 'mandated_reporter', agencyCode: record.agencyCode },
      workflowId: screeningImportWorkflowId(record._id),
      at: now(),
    });
    await recordScreeningOutcome(row._id, { outcome, childId }, now());
    return { outcome, childId };
  }

  return {
    /**
     * Rows [from, to) of the import, each once; heartbeats per row so a dead worker's chunk is retried soon. The
     * children of the chunk's ledger rows are looked up in one query (not one scan of the children per row); each
     * row's outcome is written when the row is done. A chunk cut short by a crash does its pending rows again on
     * retry, and each row's work is idempotent (the ledger's enrolment, the intake's workflow id).
     */
    async importScreeningChunk({ importId, from, to }: ScreeningChunk): Promise<ScreeningCounts> {
      const record = await findScreeningImport(importId);
      if (!record) throw new Error(`screening import ${importId} is missing`);
      const counts: ScreeningCounts = { enrolled: 0, updated: 0, reported: 0 };
      const rows = await screeningRowsBetween(importId, from, to);
      const pending: { row: StoredScreeningRow; idNumber: string }[] = [];
      for (const row of rows) {
        if (row.outcome === 'pending') pending.push({ row, idNumber: deps.identity.decrypt(row.idNumberSealed) });
        else counts[row.outcome] += 1;
      }
      const ledger = await deps.ledger.forRows(pending.filter((p) => !p.row.reports).map((p) => p.idNumber));
      // The rows of a file are distinct children (validation refuses an ID number twice), so they are written side by
      // side: the time is the database's round trips, not the CPU.
      let next = 0;
      const lane = async () => {
        while (next < pending.length) {
          const { row, idNumber } = pending[next++]!;
          const done = await importRow(record, row, idNumber, ledger);
          counts[done.outcome] += 1;
          heartbeat(row.seq);
        }
      };
      await Promise.all(Array.from({ length: Math.min(ROW_LANES, pending.length) }, lane));
      await recordScreeningProgress(importId, to);
      return counts;
    },

    /**
     * Starts the monitoring workflow of every child the import put on a ledger (issue #18 item 3: a ledger child is
     * visited), then marks the import completed. One workflow per child (USE_EXISTING: a retry of this activity, or
     * a child already monitored, finds the running one), so a retried completion starts nothing twice. Done here
     * rather than row by row so the children's first schedules do not compete with the import's own writes.
     */
    async completeScreeningImport({ importId, counts }: { importId: string; counts: ScreeningCounts }): Promise<void> {
      const record = await findScreeningImport(importId);
      if (record && record.stage !== 'completed') {
        const children = await screeningLedgerChildren(importId);
        let next = 0;
        const lane = async () => {
          while (next < children.length) {
            const childId = children[next++]!;
            await startLedgerMonitoring(deps.client, deps.taskQueue, { childId, districtCode: record.districtCode });
            heartbeat(next);
          }
        };
        await Promise.all(Array.from({ length: Math.min(ROW_LANES, children.length) }, lane));
      }
      await completeScreeningImport(importId, counts, now());
    },
  };
}

export type ScreeningActivities = ReturnType<typeof createScreeningActivities>;
