/**
 * Where a report's time goes (issue #19 item 1), collected when BENCH_PROFILE=1 in the process that runs each part
 * (the worker's and the API's samples are sent to the benchmark's process and merged there, exportSamples and
 * mergeSamples; with BENCH_TOPOLOGY=one-process they share the one process and its mongoose connection):
 * - every activity call of the ChildSafe worker, timed around the real activity (wrapActivities);
 * - every MongoDB command of the API's and the worker's mongoose connections, from the driver's command
 *   monitoring, by collection and command (watchMongo);
 * - every workflow task and activity of a sample of the reports' intake, case and police task workflows, from their
 *   histories: queue wait (scheduled → started) and run time (started → completed) (workflowProfile).
 * Nothing here changes what is measured; the timers only read the clock around calls.
 */
import mongoose from 'mongoose';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Context } from '@temporalio/activity';

type Samples = Map<string, number[]>;

function add(samples: Samples, key: string, ms: number): void {
  const list = samples.get(key) ?? [];
  list.push(ms);
  samples.set(key, list);
}

export interface ProfileRow {
  what: string;
  n: number;
  totalMs: number;
  p50Ms: number;
  p95Ms: number;
}

function rows(samples: Samples): ProfileRow[] {
  return [...samples.entries()]
    .map(([what, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
      return {
        what,
        n: values.length,
        totalMs: Math.round(values.reduce((s, v) => s + v, 0)),
        p50Ms: Math.round(at(0.5) * 10) / 10,
        p95Ms: Math.round(at(0.95) * 10) / 10,
      };
    })
    .sort((a, b) => b.totalMs - a.totalMs);
}

export interface ProfileSamples {
  activities: [string, number[]][];
  mongo: [string, number[]][];
  localCalls: [string, { name: string; start: number; end: number }[]][];
}

export class Profile {
  readonly activities: Samples = new Map();
  readonly mongo: Samples = new Map();
  readonly workflow: Samples = new Map();
  /** Wall-clock start and end (Date.now(), the clock history events are stamped with) of each local activity, by workflow id. */
  private readonly localCalls = new Map<string, { name: string; start: number; end: number }[]>();

  /** The samples taken in this process, as plain data (for another process's mergeSamples). */
  exportSamples(): ProfileSamples {
    return {
      activities: [...this.activities.entries()],
      mongo: [...this.mongo.entries()],
      localCalls: [...this.localCalls.entries()],
    };
  }

  /** Adds the samples another process took (exportSamples there). */
  mergeSamples(data: ProfileSamples): void {
    for (const [key, values] of data.activities) for (const v of values) add(this.activities, key, v);
    for (const [key, values] of data.mongo) for (const v of values) add(this.mongo, key, v);
    for (const [id, calls] of data.localCalls) this.localCalls.set(id, [...(this.localCalls.get(id) ?? []), ...calls]);
  }

  /** Times every activity function (a wrapper with the same arguments and result). */
  wrapActivities<T extends object>(activities: T): T {
    const wrapped: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(activities)) {
      if (typeof fn !== 'function') {
        wrapped[name] = fn;
        continue;
      }
      wrapped[name] = async (...args: unknown[]) => {
        const started = performance.now();
        const startedAt = Date.now();
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          add(this.activities, name, performance.now() - started);
          const info = Context.current().info;
          const workflowId = info.workflowExecution?.workflowId;
          if (info.isLocal && workflowId) {
            const calls = this.localCalls.get(workflowId) ?? [];
            calls.push({ name, start: startedAt, end: Date.now() });
            this.localCalls.set(workflowId, calls);
          }
        }
      };
    }
    return wrapped as T;
  }

  /** Times every MongoDB command on mongoose's connection (it must have been opened with monitorCommands). */
  watchMongo(): void {
    const client = mongoose.connection.getClient();
    const started = new Map<number, { key: string; at: number }>();
    client.on('commandStarted', (e) => {
      const collection = e.command[e.commandName];
      const key = `${typeof collection === 'string' ? collection : '-'}.${e.commandName}`;
      started.set(Number(e.requestId), { key, at: performance.now() });
    });
    const done = (e: { requestId: number }) => {
      const s = started.get(Number(e.requestId));
      if (!s) return;
      started.delete(Number(e.requestId));
      add(this.mongo, s.key, performance.now() - s.at);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }

  /** Workflow tasks and activities of these workflows, from their histories (all runs of each id). */
  async addWorkflows(client: Client, workflowIds: readonly string[]): Promise<void> {
    const T = temporal.api.enums.v1.EventType;
    const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
      t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;
    for (const id of workflowIds) {
      let history;
      try {
        history = await client.workflow.getHandle(id).fetchHistory();
      } catch {
        continue;
      }
      const type = id.startsWith('intake-') ? 'intake' : id.includes('/task-') ? 'task' : 'case';
      const byId = new Map<number, temporal.api.history.v1.IHistoryEvent>();
      // Workflow tasks are counted per workflow: the first goes to the shared task queue, later ones to the worker's
      // sticky queue (while the workflow stays cached), so their waits are shown apart (the first two of each).
      let workflowTasks = 0;
      const nth = () => (workflowTasks <= 2 ? ` #${workflowTasks}` : ' #3+');
      for (const e of history.events ?? []) {
        byId.set(Number(e.eventId), e);
        if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
          const scheduled = byId.get(Number(e.workflowTaskStartedEventAttributes?.scheduledEventId));
          workflowTasks += 1;
          add(this.workflow, `${type}: workflow task queue wait`, ms(e.eventTime) - ms(scheduled?.eventTime));
          add(this.workflow, `${type}: workflow task${nth()} queue wait`, ms(e.eventTime) - ms(scheduled?.eventTime));
        } else if (e.eventType === T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          const started = byId.get(Number(e.workflowTaskCompletedEventAttributes?.startedEventId));
          // The local activities run inside this workflow task (timed in this process): how long after the task
          // started the first one began, and how long after the last one ended the task was completed.
          const from = ms(started?.eventTime);
          const to = ms(e.eventTime);
          const inside = (this.localCalls.get(id) ?? []).filter((c) => c.start >= from - 5 && c.end <= to + 5);
          if (inside.length) {
            const label = `${type}: workflow task${nth()} [${inside.map((c) => c.name).join(', ')}]`;
            add(this.workflow, `${label} started → local activity`, inside[0]!.start - from);
            add(this.workflow, `${label} local activity → completed`, to - inside.at(-1)!.end);
          }
          add(this.workflow, `${type}: workflow task run`, ms(e.eventTime) - ms(started?.eventTime));
          add(this.workflow, `${type}: workflow task${nth()} run`, ms(e.eventTime) - ms(started?.eventTime));
        } else if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          const a = e.activityTaskCompletedEventAttributes;
          const scheduled = byId.get(Number(a?.scheduledEventId));
          const started = byId.get(Number(a?.startedEventId));
          const name = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
          add(this.workflow, `${type}: activity ${name} queue wait`, ms(started?.eventTime) - ms(scheduled?.eventTime));
          add(
            this.workflow,
            `${type}: activity ${name} scheduled → completed`,
            ms(e.eventTime) - ms(scheduled?.eventTime),
          );
        } else if (e.eventType === T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
          const startedChild = (history.events ?? []).find(
            (x) =>
              x.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED &&
              Number(x.childWorkflowExecutionStartedEventAttributes?.initiatedEventId) === Number(e.eventId),
          );
          if (startedChild)
            add(this.workflow, `${type}: child workflow start`, ms(startedChild.eventTime) - ms(e.eventTime));
        }
      }
      add(this.workflow, `${type}: events`, history.events?.length ?? 0);
    }
  }

  report(): { activities: ProfileRow[]; mongo: ProfileRow[]; workflow: ProfileRow[] } {
    return { activities: rows(this.activities), mongo: rows(this.mongo), workflow: rows(this.workflow) };
  }
}

export function printProfile(say: (line?: string) => void, profile: Profile): void {
  const r = profile.report();
  const table = (title: string, list: ProfileRow[]) => {
    say();
    say(title);
    say(`${'what'.padEnd(64)} ${'n'.padStart(5)} ${'total ms'.padStart(9)} ${'p50'.padStart(8)} ${'p95'.padStart(8)}`);
    for (const row of list.slice(0, 30)) {
      say(
        `${row.what.slice(0, 64).padEnd(64)} ${String(row.n).padStart(5)} ${String(row.totalMs).padStart(9)} ${String(row.p50Ms).padStart(8)} ${String(row.p95Ms).padStart(8)}`,
      );
    }
  };
  table('Profile: ChildSafe activities (in the worker, around the real activity)', r.activities);
  table('Profile: MongoDB commands (API and worker), by collection.command', r.mongo);
  table(
    'Profile: workflow histories (sampled reports): tasks and activities, ms ("events" rows count events)',
    r.workflow,
  );
}
