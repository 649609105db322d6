/**
 * One district's dashboard snapshot (issue #19), id `indicators-<districtCode>`, started by every worker at its start
 * (workers/indicator-snapshots.ts; an existing run is kept). A timer loop: compute the district's indicators and store
 * them as its summary document (activity refreshIndicatorSnapshot), sleep `everySeconds` (or as long as the
 * computation took, if longer), again; continue-as-new every ROUNDS rounds (or when Temporal suggests it) so the
 * history stays short. A durable timer rather than a Schedule: one run per district at a time, never piled up behind a
 * slow computation (the next round starts at least `everySeconds` after the last one finished), and the workflow's
 * history shows every refresh. The dashboard reads the snapshot by `_id` and
 * shows its time; a snapshot older than twice a round (interval + computation) plus 2 minutes is shown as out of date.
 */
import { continueAsNew, patched, sleep, workflowInfo } from '@temporalio/workflow';
import { refreshIndicatorSnapshot } from './proxies';

export interface IndicatorSnapshotInput {
  districtCode: string;
  /** Seconds between the end of one refresh and the start of the next. */
  everySeconds: number;
  /** Rounds before continue-as-new; ROUNDS when absent (tests set fewer). */
  rounds?: number;
}

/** Rounds per run: each is about 10 history events (activity, timer, workflow tasks), so a run stays near 1,000. */
export const ROUNDS = 100;

/**
 * Patch: the rest after a refresh is at least as long as the refresh took, so a district whose computation outgrows
 * the interval (about 100 s at 100k cases on the embedded store) keeps its store busy at most half the time; the
 * snapshot's age stays under the dashboard's `stale` bound (twice the interval plus the computation, and a grace).
 */
export const REST_AT_LEAST_COMPUTATION_PATCH = 'indicator-snapshot-rest-at-least-computation';

export function indicatorSnapshotWorkflowId(districtCode: string): string {
  return `indicators-${districtCode}`;
}

export async function indicatorSnapshotWorkflow(input: IndicatorSnapshotInput): Promise<void> {
  const rounds = input.rounds ?? ROUNDS;
  for (let round = 0; round < rounds; round++) {
    const refreshed = await refreshIndicatorSnapshot({
      districtCode: input.districtCode,
      everySeconds: input.everySeconds,
    });
    const interval = input.everySeconds * 1000;
    await sleep(patched(REST_AT_LEAST_COMPUTATION_PATCH) ? Math.max(interval, refreshed.computeMs) : interval);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await continueAsNew<typeof indicatorSnapshotWorkflow>(input);
}
