/**
 * Tells when a report's police task has been written to the task projection, without polling the database: the
 * benchmark's ChildSafe worker runs the real activities with two taps (stack.ts) that report, after the activity's
 * own work has returned,
 *   - recordReport: the receipt and the case it belongs to (the case workflow id is derived from the child's id);
 *   - projectTask: a task of a kind for a case, now upserted in MongoDB (the write has been acknowledged, so the
 *     police inbox, which reads that collection, lists it from this instant).
 * Polling FerretDB instead would add load on the very store the ChildSafe side depends on and a poll interval to
 * every sample; run.ts checks the projection itself once, after the measurements, to confirm every task is there.
 */
import { performance } from 'node:perf_hooks';

export interface ActivityTap {
  reportRecorded(receipt: string, caseWorkflowId: string): void;
  /**
   * `atEpochMs`: when the worker saw the write acknowledged, as performance.timeOrigin + performance.now() in the
   * worker's process (the epoch-based clock every process on the machine shares), when the tap comes from another
   * process (bench/stack-process.ts); the message's way over IPC is then not counted. Without it: now.
   */
  taskProjected(caseWorkflowId: string, kind: string, atEpochMs?: number): void;
}

interface Waiter {
  resolve: (seenAt: number) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class PoliceTaskTap implements ActivityTap {
  private readonly caseOfReceipt = new Map<string, string>();
  /** performance.now() when a case's police task was first projected. */
  private readonly policeTaskAt = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter>();
  /** ms from the worker's instant to the tap's arrival in this process, for taps from another process. */
  readonly lags: number[] = [];

  constructor(private readonly timeoutMs: number) {}

  reportRecorded(receipt: string, caseWorkflowId: string): void {
    this.caseOfReceipt.set(receipt, caseWorkflowId);
    this.settle(receipt);
  }

  taskProjected(caseWorkflowId: string, kind: string, atEpochMs?: number): void {
    if (kind !== 'police_response' || this.policeTaskAt.has(caseWorkflowId)) return;
    const now = performance.now();
    // Never later than its arrival here; the lag (IPC, plus any disagreement of the two processes' time origins) is
    // kept so the run can show it is small.
    const at = atEpochMs === undefined ? now : Math.min(now, atEpochMs - performance.timeOrigin);
    if (atEpochMs !== undefined) this.lags.push(now - at);
    this.policeTaskAt.set(caseWorkflowId, at);
    for (const [receipt, caseId] of this.caseOfReceipt) if (caseId === caseWorkflowId) this.settle(receipt);
  }

  /** Resolves with the performance.now() reading at which the receipt's police task was in the projection. */
  seen(receipt: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(receipt);
        reject(new Error(`receipt ${receipt}: no police task projected after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiters.set(receipt, { resolve, reject, timer });
      this.settle(receipt);
    });
  }

  /** Every case a measured or warm-up report opened, for the check against the projection. */
  cases(): string[] {
    return [...new Set(this.caseOfReceipt.values())];
  }

  stop(): void {
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(new Error('stopped'));
    }
    this.waiters.clear();
  }

  private settle(receipt: string): void {
    const waiter = this.waiters.get(receipt);
    const caseId = this.caseOfReceipt.get(receipt);
    const at = caseId === undefined ? undefined : this.policeTaskAt.get(caseId);
    if (!waiter || at === undefined) return;
    this.waiters.delete(receipt);
    clearTimeout(waiter.timer);
    waiter.resolve(at);
  }
}
