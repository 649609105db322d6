/**
 * Which district a workflow's payloads belong to, for the codec endpoint's scope check (api/routes/codec.ts).
 *
 * Every workflow belongs to a root workflow: an intake (`intake-…`), a case (`case-…`) or a detention notice
 * (`detention-…`); tasks and placements are children whose ids start with their root's id and a `/`. Every root is
 * started with the district's policy pack pinned in its input (a reference `pack: { id, version }` whose bundled file
 * names the district, or in inputs recorded before references the whole pack with `pack.district.code`), so the
 * district is read from the first event of the root's latest run, decrypted here with the server's own keys and never shown to anyone. That
 * needs no read model to be up to date and covers every kind of workflow; the answer never changes for a workflow, so
 * it is cached (bounded).
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type PayloadCodec } from '@temporalio/common';
import { payloadScope } from '../../common/codec';
import { getPolicyPack, UnknownPolicyPackError } from '../../policies';

const CACHE_LIMIT = 10_000;

export function rootWorkflowId(workflowId: string): string {
  return workflowId.split('/')[0]!;
}

interface PinnedPackShape {
  id?: unknown;
  version?: unknown;
  district?: { code?: unknown };
}

/** The district of a pinned pack: carried whole, or the bundled file of its id and version. */
export function districtOfPack(pack: PinnedPackShape | undefined): string | null {
  const carried = pack?.district?.code;
  if (typeof carried === 'string') return carried;
  if (typeof pack?.id !== 'string' || typeof pack.version !== 'string') return null;
  try {
    return getPolicyPack(pack.id, pack.version).district.code;
  } catch (err) {
    if (err instanceof UnknownPolicyPackError) return null;
    throw err;
  }
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
    const input = defaultPayloadConverter.fromPayload<{ pack?: PinnedPackShape }>(decoded!);
    return districtOfPack(input?.pack);
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
