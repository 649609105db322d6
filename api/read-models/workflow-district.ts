/**
 * Which district a workflow's payloads belong to, for the codec endpoint's scope check (api/routes/codec.ts).
 *
 * Every workflow belongs to a root workflow: an intake (`intake-…`), a case (`case-…`) or a detention notice
 * (`detention-…`); tasks and placements are children whose ids start with their root's id and a `/`. Every root is
 * started with the district's policy pack pinned in its input (`pack.district.code`), so the district is read from the
 * first event of the root's latest run, decrypted here with the server's own keys and never shown to anyone. That
 * needs no read model to be up to date and covers every kind of workflow; the answer never changes for a workflow, so
 * it is cached (bounded).
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { payloadScope } from '../../common/codec';

const CACHE_LIMIT = 10_000;

export function rootWorkflowId(workflowId: string): string {
  return workflowId.split('/')[0]!;
}

export function createWorkflowDistrictResolver(deps: { client: Client; codec: PayloadCodec }) {
  const cache = new Map<string, string | null>();

  async function lookUp(root: string): Promise<string | null> {
    const history = await deps.client.workflowService.getWorkflowExecutionHistory({
      namespace: deps.client.options.namespace,
      execution: { workflowId: root },
      maximumPageSize: 1,
    });
    const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    // The start input must itself be scoped to the root: an unscoped or foreign input proves nothing.
    if (!payload || payloadScope(payload) !== root) return null;
    const [decoded] = await deps.codec.decode([payload]);
    const input = defaultPayloadConverter.fromPayload<{ pack?: { district?: { code?: unknown } } }>(decoded!);
    const code = input?.pack?.district?.code;
    return typeof code === 'string' ? code : null;
  }

  return async function districtOf(workflowId: string): Promise<string | null> {
    const root = rootWorkflowId(workflowId);
    if (cache.has(root)) return cache.get(root)!;
    let district: string | null;
    try {
      district = await lookUp(root);
    } catch {
      // Unknown workflow, a payload that does not decrypt, Temporal unreachable: no scope can be established.
      return null;
    }
    if (district) {
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(root, district);
    }
    return district;
  };
}
