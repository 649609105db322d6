/**
 * Replays recorded histories (test/workflows/histories/*.json) against the current workflow code, so a change that
 * would break running cases (non-determinism) fails the suite. Re-record after an intended, versioned change with
 * `RECORD_HISTORIES=1 npx jest test/workflows`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowBundleOptions } from '../../workers/workflow-bundle';
import { quietLogger, workflowsPath } from './harness';

jest.setTimeout(60_000); // bundles the workflow code with webpack, then replays every recorded history

const dir = join(__dirname, 'histories');
const recordings = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const { workflowId, history } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      workflowId: string;
      history: unknown;
    };
    return {
      file,
      workflowId,
      history: temporal.api.history.v1.History.fromObject(history as Record<string, unknown>),
    };
  });

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger: quietLogger });
});

describe('recorded histories', () => {
  it('has recordings of the case, task and detention workflows to replay', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(5);
  });

  it('replay deterministically against the current workflow code', async () => {
    const results = Worker.runReplayHistories(
      { workflowBundle: bundle, replayName: 'childsafe-replay' },
      recordings.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const failures: string[] = [];
    for await (const result of results) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).toEqual([]);
  });
});
