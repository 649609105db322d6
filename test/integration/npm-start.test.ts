/**
 * `npm start`'s launcher on a fresh data folder: it brings the whole system up, answers /readyz, restarts a worker and
 * an API killed outright, accepts a smoke report whose workflow the Temporal UI then shows (its worker with workflow
 * stack traces off, its police task accepted), stops every process on SIGINT, and a second start finds the same
 * data; `git status --porcelain` is the same before and after (nothing tracked rewritten). (The launcher is scripts/start.ts; `npm start` runs set-up and the web build first.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { eventually } from '../helpers/eventually';
import {
  fileSmokeReport,
  freeLauncherPorts,
  gitStatus,
  launch,
  stopLaunched as stop,
  type Launched,
} from '../helpers/launcher';

jest.setTimeout(300_000); // runs npm start itself: set-up, web build and every server

async function portOpen(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-start-'));
  // A launch still running when an assertion failed is stopped too: its servers would outlive the test otherwise.
  let current: Launched | undefined;
  afterAll(async () => {
    if (current) await stop(current.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the whole system, restarts a crashed worker and API, takes a smoke report the Temporal UI shows, stops cleanly on SIGINT, keeps the data for the next start, and leaves git status unchanged', async () => {
    // npm start never modifies tracked files (issue #15): whatever the checkout held before, it holds after.
    const before = gitStatus();
    const ports = await freeLauncherPorts();
    const base = `http://127.0.0.1:${ports.api}`;
    const first = (current = launch(dataDir, ports));
    await first.ready;
    expect(first.output()).toContain(`${base}/`);
    expect(first.output()).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(first.output()).toContain(DEMO_PASSWORD);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const login = async (email = 'school@changning.demo.childsafe.local') => {
      const res = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    };
    // A crashed worker (killed outright, as the kernel's OOM killer would) is restarted by the launcher, which says
    // so; the stack keeps serving: the smoke report below needs the restarted worker to be recorded.
    const crash = async (name: string) => {
      const pidFile = path.join(dataDir, 'run', `${name}.pid`);
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      expect(pid).toBeGreaterThan(0);
      process.kill(-pid, 'SIGKILL');
      for (let i = 0; i < 120 && !first.output().includes(`↻ ${name} 已重启 restarted`); i++) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(first.output()).toContain(`✗ ${name} 已退出 exited`);
      expect(first.output()).toContain(`↻ ${name} 已重启 restarted`);
      expect(Number(fs.readFileSync(pidFile, 'utf8'))).not.toBe(pid);
    };
    await crash('worker');
    await crash('api');
    let ready = 0;
    for (let i = 0; i < 120 && ready !== 200; i++) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 500));
    }
    expect(ready).toBe(200);

    const filed = await fileSmokeReport(base, '冒烟测试 smoke test', 'smoke test');
    expect(filed.status).toBe(202);
    const { receipt } = (await filed.json()) as { receipt: string };

    // The Temporal Web UI's own API (what its pages show) lists the intake workflow of the smoke report.
    const uiQuery = encodeURIComponent(`WorkflowType = 'intakeWorkflow'`);
    let listed: { executions?: { execution: { workflowId: string } }[] } = {};
    for (let i = 0; i < 40 && !(listed.executions?.length ?? 0); i++) {
      const res = await fetch(`http://127.0.0.1:${ports.ui}/api/v1/namespaces/default/workflows?query=${uiQuery}`);
      if (res.ok) listed = (await res.json()) as typeof listed;
      if (!listed.executions?.length) await new Promise((r) => setTimeout(r, 500));
    }
    expect(listed.executions?.[0]?.execution.workflowId).toMatch(/^intake-/);
    // Recorded by the restarted worker before we stop.
    const token = await login();
    const recorded = async () => {
      const mine = await fetch(`${base}/api/v1/reports/mine`, { headers: { authorization: `Bearer ${token}` } });
      return ((await mine.json()) as { items: { receipt: string }[] }).items.map((r) => r.receipt);
    };
    let seen: string[] = [];
    for (let i = 0; i < 120 && !seen.includes(receipt); i++) {
      seen = await recorded();
      if (!seen.includes(receipt)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toContain(receipt);

    // The worker runs as deployed, with its preload (workers/workflow-stack-traces.cjs): it says so, its workflows keep
    // no stack per promise (the police task's `__stack_trace` query is refused), and they still wait and wake as they
    // should: accepting the task resolves the condition its deadline races, and the task runs on. (Replacing Node's
    // promise-hook API instead of skipping the SDK's hook broke the cancellation scopes: every such task failed.)
    expect(fs.readFileSync(path.join(dataDir, 'logs', 'worker.log'), 'utf8')).toContain('"workflowStackTraces":"off"');
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const temporal = new Client({ connection });
      const taskId = await eventually(async () => {
        let found: string | undefined;
        for await (const w of temporal.workflow.list({ query: `WorkflowType = 'agencyTaskWorkflow'` }))
          found = w.workflowId;
        expect(found).toBeDefined();
        return found!;
      }, 60_000);
      const task = temporal.workflow.getHandle(taskId);
      await expect(task.query('__stack_trace')).rejects.toThrow('Workflow stack traces are not enabled on this worker');
      const police = await login('police.huayang@changning.demo.childsafe.local');
      const taskUrl = `${base}/api/v1/tasks/${encodeURIComponent(taskId)}`;
      // The task accepts once its first workflow task has run (the police inbox lists it from then on).
      await eventually(async () => {
        const accepted = await fetch(`${taskUrl}/accept`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${police}` },
          body: '{}',
        });
        expect(accepted.status).toBe(200);
      }, 30_000);
      await eventually(async () => {
        const res = await fetch(taskUrl, { headers: { authorization: `Bearer ${police}` } });
        expect(res.ok && ((await res.json()) as { task: { status: string } }).task.status).toBe('accepted');
      }, 30_000);
      expect((await task.describe()).status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }

    expect(await stop(first.child)).toBe(0);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(false);

    const second = (current = launch(dataDir, ports));
    await second.ready;
    try {
      // The report is there: recorded before the stop, or (if the stop came first) by the durable intake resuming.
      const again = await login();
      let receipts: string[] = [];
      for (let i = 0; i < 60 && !receipts.includes(receipt); i++) {
        const mine = await fetch(`${base}/api/v1/reports/mine`, { headers: { authorization: `Bearer ${again}` } });
        receipts = ((await mine.json()) as { items: { receipt: string }[] }).items.map((r) => r.receipt);
        if (!receipts.includes(receipt)) await new Promise((r) => setTimeout(r, 500));
      }
      expect(receipts).toContain(receipt);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
    expect(gitStatus()).toBe(before);
  });
});
