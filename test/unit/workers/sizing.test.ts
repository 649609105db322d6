import type { Worker } from '@temporalio/worker';
import {
  CACHED_WORKFLOW_MIB,
  HEAP_RESERVE_MIB,
  LEDGER_CACHED_WORKFLOW_MIB,
  childSafeWorkerSizing,
  ledgerWorkerSizing,
  runTogether,
  workerSizing,
} from '../../../workers/worker';
import { caseTaskQueueOf, ledgerTaskQueue } from '../../../workflows/task-queues';

describe('worker sizing from the heap', () => {
  it('keeps the workflow cache inside the heap at the measured memory per workflow', () => {
    const sizing = workerSizing(4096, {});
    expect(sizing.maxCachedWorkflows).toBe(Math.floor((4096 - HEAP_RESERVE_MIB) / CACHED_WORKFLOW_MIB));
    expect(sizing.maxCachedWorkflows * CACHED_WORKFLOW_MIB + HEAP_RESERVE_MIB).toBeLessThanOrEqual(4096);
    // The SDK's default (600 per GB above 200 MB) would be 2,283 here: the cache alone would need 9 GB.
    expect(sizing.maxCachedWorkflows).toBeLessThan(2283);
    expect(sizing.workflowThreadPoolSize).toBe(1);
    expect(workerSizing(8192, {}).workflowThreadPoolSize).toBe(2);
    expect(sizing.maxConcurrentWorkflowTaskExecutions).toBeLessThanOrEqual(sizing.maxCachedWorkflows);
  });

  it('has a floor on a tiny heap, one isolate on a small one, and takes an explicit cache size', () => {
    expect(workerSizing(256, {})).toMatchObject({ maxCachedWorkflows: 10, workflowThreadPoolSize: 1 });
    expect(workerSizing(1024, {}).workflowThreadPoolSize).toBe(1);
    expect(workerSizing(4096, { WORKER_MAX_CACHED_WORKFLOWS: '300' }).maxCachedWorkflows).toBe(300);
    expect(workerSizing(4096, { WORKER_MAX_CACHED_WORKFLOWS: 'lots' }).maxCachedWorkflows).toBe(
      Math.floor((4096 - HEAP_RESERVE_MIB) / CACHED_WORKFLOW_MIB),
    );
    expect(workerSizing(65536, {}).workflowThreadPoolSize).toBe(4);
  });

  it("leaves the sticky queue timeout to the SDK unless WORKER_STICKY_QUEUE_TIMEOUT sets a storm's drain time", () => {
    expect(workerSizing(4096, {})).not.toHaveProperty('stickyQueueScheduleToStartTimeout');
    expect(workerSizing(4096, { WORKER_STICKY_QUEUE_TIMEOUT: '10m' }).stickyQueueScheduleToStartTimeout).toBe('10m');
    expect(workerSizing(4096, { WORKER_STICKY_QUEUE_TIMEOUT: '90s' }).stickyQueueScheduleToStartTimeout).toBe('90s');
    for (const bad of ['', '0s', 'ten minutes', '10', '-5m', '5h'])
      expect(workerSizing(4096, { WORKER_STICKY_QUEUE_TIMEOUT: bad })).not.toHaveProperty(
        'stickyQueueScheduleToStartTimeout',
      );
  });

  it('keeps 40 workflow tasks in flight unless WORKER_WORKFLOW_TASK_SLOTS sets a storm’s, never more than the cache', () => {
    expect(workerSizing(4096, {}).maxConcurrentWorkflowTaskExecutions).toBe(40);
    expect(workerSizing(4096, { WORKER_WORKFLOW_TASK_SLOTS: '200' }).maxConcurrentWorkflowTaskExecutions).toBe(200);
    expect(
      workerSizing(4096, { WORKER_MAX_CACHED_WORKFLOWS: '100', WORKER_WORKFLOW_TASK_SLOTS: '200' })
        .maxConcurrentWorkflowTaskExecutions,
    ).toBe(100);
    for (const bad of ['', '1', '0', '-5', 'many', '2.5'])
      expect(workerSizing(4096, { WORKER_WORKFLOW_TASK_SLOTS: bad }).maxConcurrentWorkflowTaskExecutions).toBe(40);
  });
});

describe("the ledger worker's sizing", () => {
  it('serves 200 workflow tasks at once from a small cache, and keeps both caches inside the heap', () => {
    const ledger = ledgerWorkerSizing(4096, {});
    expect(ledger).toMatchObject({ maxCachedWorkflows: 500, maxConcurrentWorkflowTaskExecutions: 200 });
    const both = childSafeWorkerSizing(4096, {});
    expect(both.ledger).toEqual(ledger);
    // The cases' cache is sized from what the ledger's leaves.
    expect(both.cases.maxCachedWorkflows).toBe(Math.floor((4096 - 500 - HEAP_RESERVE_MIB) / CACHED_WORKFLOW_MIB));
    expect(
      both.cases.maxCachedWorkflows * CACHED_WORKFLOW_MIB +
        both.ledger.maxCachedWorkflows * LEDGER_CACHED_WORKFLOW_MIB +
        HEAP_RESERVE_MIB,
    ).toBeLessThanOrEqual(4096);
    expect(both.cases.maxConcurrentWorkflowTaskExecutions).toBe(40);
  });

  it('takes at most a quarter of a small heap, never more slots than its cache, and its own settings', () => {
    expect(ledgerWorkerSizing(1024, {})).toMatchObject({
      maxCachedWorkflows: 128,
      maxConcurrentWorkflowTaskExecutions: 128,
    });
    expect(ledgerWorkerSizing(256, {}).maxCachedWorkflows).toBe(10);
    const set = ledgerWorkerSizing(4096, {
      WORKER_LEDGER_MAX_CACHED_WORKFLOWS: '1000',
      WORKER_LEDGER_WORKFLOW_TASK_SLOTS: '300',
      // The cases' settings are not the ledger's.
      WORKER_WORKFLOW_TASK_SLOTS: '50',
      WORKER_MAX_CACHED_WORKFLOWS: '20',
    });
    expect(set).toMatchObject({ maxCachedWorkflows: 1000, maxConcurrentWorkflowTaskExecutions: 300 });
    expect(
      ledgerWorkerSizing(4096, { WORKER_LEDGER_WORKFLOW_TASK_SLOTS: 'many' }).maxConcurrentWorkflowTaskExecutions,
    ).toBe(200);
  });
});

describe('the two workers of the process, run together', () => {
  type State = 'RUNNING' | 'STOPPED' | 'FAILED';
  function fakeWorker(fails?: Error) {
    let state: State = 'RUNNING';
    let stop: (() => void) | undefined;
    const worker = {
      getState: () => state,
      shutdown: jest.fn(() => {
        state = 'STOPPED';
        stop?.();
      }),
      run: () =>
        new Promise<void>((resolve, reject) => {
          if (fails)
            setImmediate(() => {
              state = 'FAILED';
              reject(fails);
            });
          stop = resolve;
        }),
    };
    return worker as typeof worker & Worker;
  }

  it('stops the other when one fails, and fails with its error', async () => {
    const cases = fakeWorker();
    const ledger = fakeWorker(new Error('ledger queue lost'));
    await expect(runTogether(cases, ledger).run()).rejects.toThrow('ledger queue lost');
    expect(cases.shutdown).toHaveBeenCalledTimes(1);
    expect(ledger.shutdown).not.toHaveBeenCalled();
  });

  it('stops both on shutdown and resolves once both have stopped', async () => {
    const cases = fakeWorker();
    const ledger = fakeWorker();
    const workers = runTogether(cases, ledger);
    const running = workers.run();
    workers.shutdown();
    await expect(running).resolves.toBeUndefined();
    expect([cases.getState(), ledger.getState()]).toEqual(['STOPPED', 'STOPPED']);
  });
});

describe("ChildSafe's two task queues", () => {
  it("names the ledger's queue after ChildSafe's, and finds ChildSafe's from either", () => {
    expect(ledgerTaskQueue('childsafe')).toBe('childsafe-ledger');
    expect(caseTaskQueueOf('childsafe-ledger')).toBe('childsafe');
    expect(caseTaskQueueOf('childsafe')).toBe('childsafe');
    expect(caseTaskQueueOf(ledgerTaskQueue('q-1234'))).toBe('q-1234');
  });
});
