/**
 * A school's screening import as a workflow over chunks (issue #18 item 2): each chunk of staged rows is one activity
 * whose writes are idempotent per row (activities/screening.ts), so a worker killed half-way loses nothing and repeats
 * nothing: Temporal retries the unfinished chunk on another worker and the finished ones are in the history. The
 * workflow id is derived from the school and the file's content (its rows), so the same file again is this same import.
 */
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { ScreeningActivities } from '../activities/screening';
import {
  screeningProgressQuery,
  type ScreeningCounts,
  type ScreeningImportInput,
  type ScreeningProgress,
} from './screening.definitions';

const { importScreeningChunk, completeScreeningImport } = proxyActivities<ScreeningActivities>({
  // A chunk of 100 rows is a few hundred database writes and a few workflow starts; a dead worker is noticed by its
  // missing heartbeat (one per row), not by the start-to-close bound.
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute' },
});

export async function screeningImportWorkflow({
  importId,
  total,
  chunkSize,
}: ScreeningImportInput): Promise<ScreeningProgress> {
  const counts: ScreeningCounts = { enrolled: 0, updated: 0, reported: 0 };
  let processed = 0;
  let done = false;
  setHandler(screeningProgressQuery, () => ({ ...counts, total, processed, done }));
  for (let from = 0; from < total; from += chunkSize) {
    const to = Math.min(total, from + chunkSize);
    const chunk = await importScreeningChunk({ importId, from, to });
    counts.enrolled += chunk.enrolled;
    counts.updated += chunk.updated;
    counts.reported += chunk.reported;
    processed = to;
  }
  await completeScreeningImport({ importId, counts });
  done = true;
  return { ...counts, total, processed, done };
}
