import { CACHED_WORKFLOW_MIB, HEAP_RESERVE_MIB, workerSizing } from '../../../workers/worker';

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
