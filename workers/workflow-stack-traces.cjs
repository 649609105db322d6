/**
 * The worker process's preload: `node --require ./workers/workflow-stack-traces.cjs --import tsx workers/main.ts`
 * (package.json's `worker`, scripts/start.ts, docker-compose, the benches' workers). Plain CommonJS: it runs before
 * the TypeScript loader, in the main thread and again in each workflow thread the SDK starts.
 *
 * The Temporal SDK (1.24) records a stack trace for every promise a workflow creates (a V8 promise hook: a
 * `new Function` and a source-mapped `Error().stack` per promise), only to answer the `__stack_trace` query (the
 * Temporal UI's "Stack Trace" tab). No worker option turns it off. It costs about a third of the CPU of bringing a
 * workflow into the cache (police-task-escalated.json replayed: 37–40 → 24–27 ms) and 28% of the workflow thread in a
 * deadline storm (bench/README.md "Session 16: where one escalation's CPU goes", "Session 19").
 *
 * So the worker runs without it unless WORKER_WORKFLOW_STACK_TRACES=on: the SDK's own per-thread singleton skips
 * installing its hook and answers the query with "Workflow stack traces are not enabled on this worker", the state it
 * has where V8 cannot install a promise hook. To read a stuck workflow's stack in the Temporal UI, restart a worker
 * with the setting on. Node's own promise hooks (AsyncLocalStorage, which the SDK's cancellation scopes use) are not
 * touched: overriding `v8.promiseHooks.createHook` instead breaks them, and every police task then failed "Workflow
 * cancelled" at its deadline (bench/README.md "Session 19").
 *
 * It reaches into the SDK (`lib/workflow/vm-shared`), pinned to @temporalio/worker 1.24.0 in package.json; it throws
 * at start if an upgrade moves it, and test/unit/workers/workflow-stack-traces.test.ts (the hook skipped in every
 * thread, AsyncLocalStorage still working) and test/integration/npm-start.test.ts (the query refused, a police task
 * accepted on the worker `npm start` runs) fail if it stops working.
 */
'use strict';

const on = process.env.WORKER_WORKFLOW_STACK_TRACES === 'on';
// Read by workers/worker.ts (`workflowStackTraces()`) to log the state this process runs in.
globalThis.__childsafeWorkflowStackTraces = on ? 'on' : 'off';

if (!on) {
  const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
  if (typeof globalHandlers?.setPromiseHook !== 'function') {
    throw new Error('workflow-stack-traces.cjs: @temporalio/worker no longer has globalHandlers.setPromiseHook');
  }
  // Called once per thread when its first workflow context is made; `promiseHookInstalled` stays false.
  globalHandlers.setPromiseHook = function workflowStackTracesOff() {};
}
