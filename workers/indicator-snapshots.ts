/**
 * Starts each district's dashboard snapshot workflow (workflows/indicator-snapshot.workflow.ts) when it is not
 * running, and leaves a running one alone, so every worker may call it at start. The districts are those the
 * released policy packs govern.
 */
import type { Client } from '@temporalio/client';
import { listPolicyPacks } from '../policies';
import { indicatorSnapshotWorkflowId } from '../workflows/indicator-snapshot.workflow';

/** Seconds between two snapshots of a district's indicators: what "统计于" on the dashboard is at most behind by. */
export const INDICATOR_SNAPSHOT_EVERY_SECONDS = 60;

export async function ensureIndicatorSnapshots(
  client: Client,
  options: { taskQueue: string; everySeconds?: number; districtCodes?: string[] },
): Promise<string[]> {
  const districts = options.districtCodes ?? [...new Set(listPolicyPacks().map((p) => p.district.code))];
  const everySeconds = options.everySeconds ?? INDICATOR_SNAPSHOT_EVERY_SECONDS;
  const ids: string[] = [];
  for (const districtCode of districts) {
    const workflowId = indicatorSnapshotWorkflowId(districtCode);
    await client.workflow.start('indicatorSnapshotWorkflow', {
      workflowId,
      taskQueue: options.taskQueue,
      args: [{ districtCode, everySeconds }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    ids.push(workflowId);
  }
  return ids;
}
