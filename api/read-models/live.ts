/**
 * Live reads from Temporal for the views. A status query is bounded by a gRPC deadline (a query landing during
 * continue-as-new can go unanswered, workflows/README.md); if the workflow cannot answer, the view falls back to the
 * projection and says so (`live: false`) rather than failing the whole page.
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';

export const LIVE_QUERY_TIMEOUT_MS = 3_000;

export async function queryLive<T>(
  client: Client,
  workflowId: string,
  query: QueryDefinition<T, []>,
  timeoutMs = LIVE_QUERY_TIMEOUT_MS,
): Promise<T | undefined> {
  try {
    return await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(workflowId).query(query),
    );
  } catch {
    // Not found, closed without a worker, or Temporal unreachable: the projection answers instead.
    return undefined;
  }
}
