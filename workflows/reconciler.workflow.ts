/**
 * The reconciler: started every minute by a Temporal Schedule (workers/reconciler-schedule.ts). One activity does the
 * looking and flagging (activities/reconciler.ts); the workflow only gives it a durable, observable run.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CaseAttention, ReconcilerActivities } from '../activities/reconciler';

const { reconcileCases } = proxyActivities<ReconcilerActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function reconcilerWorkflow(): Promise<CaseAttention[]> {
  return reconcileCases();
}
