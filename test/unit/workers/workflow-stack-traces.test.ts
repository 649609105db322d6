/**
 * The worker's preload (workers/workflow-stack-traces.cjs): in a process started as the worker is (`node --require`
 * it), every thread, the main one and a worker thread like the SDK's workflow threads, skips the SDK's own
 * stack-trace hook unless WORKER_WORKFLOW_STACK_TRACES=on, and nothing else: Node's promise hooks (AsyncLocalStorage,
 * which the SDK's cancellation scopes need) still follow a promise chain. The whole path (a real worker started by
 * `npm start`, its police task's `__stack_trace` query refused, the task accepted through its condition) is in
 * test/integration/npm-start.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { projectRoot, WORKER_PRELOAD } from '../../../scripts/services/tools';
import { workflowStackTraces } from '../../../workers/worker';

// Runs in the main thread and then in a worker thread of the same process; prints one JSON line per thread.
const probe = `
const { Worker, isMainThread } = require('node:worker_threads');
const { AsyncLocalStorage } = require('node:async_hooks');
const report = async () => {
  const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
  globalHandlers.setPromiseHook();
  const als = new AsyncLocalStorage();
  const seen = await als.run('scope', () => Promise.resolve().then(() => new Promise((r) => setTimeout(r, 1))).then(() => als.getStore()));
  return JSON.stringify({
    thread: isMainThread ? 'main' : 'worker',
    state: globalThis.__childsafeWorkflowStackTraces ?? null,
    sdkHookInstalled: globalHandlers.promiseHookInstalled,
    asyncLocalStorage: seen,
  });
};
report().then((line) => {
  console.log(line);
  if (isMainThread) new Worker(process.env.PROBE, { eval: true });
});
`;

function run(env: NodeJS.ProcessEnv): Record<string, unknown>[] {
  const out = execFileSync(process.execPath, ['--require', WORKER_PRELOAD, '-e', 'eval(process.env.PROBE)'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, PROBE: probe },
    encoding: 'utf8',
  });
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("the worker's preload: workflow stack traces", () => {
  it('are off by default in every thread of the worker process; Node’s own promise hooks keep working', () => {
    const lines = run({ WORKER_WORKFLOW_STACK_TRACES: '' });
    expect(lines).toEqual([
      { thread: 'main', state: 'off', sdkHookInstalled: false, asyncLocalStorage: 'scope' },
      { thread: 'worker', state: 'off', sdkHookInstalled: false, asyncLocalStorage: 'scope' },
    ]);
  });

  it('are on, the SDK installing its hook, with WORKER_WORKFLOW_STACK_TRACES=on', () => {
    const lines = run({ WORKER_WORKFLOW_STACK_TRACES: 'on' });
    expect(lines).toEqual([
      { thread: 'main', state: 'on', sdkHookInstalled: true, asyncLocalStorage: 'scope' },
      { thread: 'worker', state: 'on', sdkHookInstalled: true, asyncLocalStorage: 'scope' },
    ]);
  });

  it('are reported as on in a process started without the preload (the SDK’s default: tests, in-process workers)', () => {
    expect(workflowStackTraces()).toBe('on');
  });
});
