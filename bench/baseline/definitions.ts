/**
 * The baseline's messages, shared by its client side (bench/run.ts) and its workflows. No ChildSafe code: this is
 * the raw-Temporal yardstick the ChildSafe numbers are divided by.
 */
import { defineSignal } from '@temporalio/workflow';

/** Lets awaitSignalWorkflow finish; its argument is an opaque string, like a report routed to a case. */
export const goSignal = defineSignal<[string]>('go');
