/**
 * The baseline's workflows (raw Temporal, no ChildSafe code). Both take one opaque string argument whose size matches
 * a real intake start input, so Temporal carries the same number of bytes as it does for a report.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type * as activities from './activities';
import { goSignal } from './definitions';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

/** Started by the client, runs one no-op activity and completes. */
export async function trivialWorkflow(_payload: string): Promise<void> {
  await noop();
}

/** Signal-with-start target: completes as soon as its signal has arrived (with signal-with-start, at once). */
export async function awaitSignalWorkflow(_payload: string): Promise<void> {
  let signalled = false;
  setHandler(goSignal, () => {
    signalled = true;
  });
  await condition(() => signalled);
}
