/**
 * The remote codec endpoint for the Temporal UI (docs.temporal.io "codec server"): POST /decode and /encode with
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, through the same EncryptionCodec the workers use, so
 * a coordinator can read a case's history in the UI. The Temporal UI's origin (TEMPORAL_UI_URL) may call it
 * cross-origin with credentials.
 *
 * Least privilege. Only district coordinators, and only for their own district: administrators run the system and see
 * no child data. The UI sends bare payloads, so each encrypted payload names its workflow in authenticated metadata
 * (common/codec.ts); `districtOf` finds the district of that workflow's case, and the whole request is refused (403,
 * naming nothing) when any payload has no scope, an unknown one, or another district's. Only then is anything
 * decrypted, and decryption proves the scope was not relabelled. Every decode and every refusal is audited per
 * workflow.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { isEncrypted, payloadScope } from '../../common/codec';
import { AppError, ErrorCode } from '../../common/errors';
import type { AuditSink } from '../auth/audit';
import { createApiRouter } from '../http/api-router';

const CODEC_ROLES = ['district_coordinator'] as const;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const payloadJson = z.strictObject({
  metadata: z.record(z.string().max(200), base64).optional(),
  data: base64.optional(),
});
const payloadsBody = z.strictObject({ payloads: z.array(payloadJson).max(1_000) });
const payloadsView = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })),
});

type PayloadJson = z.infer<typeof payloadJson>;

const fromJson = (p: PayloadJson): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Temporal UI's origin only, with credentials; answers its preflight. */
function temporalUiCors(uiUrl: string | undefined): RequestHandler {
  const allowed = uiUrl ? new URL(uiUrl).origin : undefined;
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!allowed || origin !== allowed) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

export interface CodecRouterDependencies {
  codec: PayloadCodec;
  authenticate: RequestHandler;
  /** TEMPORAL_UI_URL: the origin allowed to call cross-origin. */
  temporalUiUrl?: string;
  /** The district code of the case a workflow belongs to, or null when it cannot be established. */
  districtOf: (workflowId: string) => Promise<string | null>;
  audit: AuditSink;
}

export function createCodecRouter(deps: CodecRouterDependencies): Router {
  const api = createApiRouter({ tag: 'codec', authenticate: deps.authenticate });
  api.router.use(temporalUiCors(deps.temporalUiUrl));

  const run = async (fn: (payloads: Payload[]) => Promise<Payload[]>, payloads: PayloadJson[]) => {
    try {
      return { payloads: (await fn(payloads.map(fromJson))).map(toJson) };
    } catch {
      // A wrong key, a tampered payload or an unknown key id: say which request failed, never why in detail.
      throw new AppError(ErrorCode.ValidationFailed, 'Payloads could not be processed', {
        fields: [{ field: 'payloads', message: 'could not be decoded with the configured keys' }],
      });
    }
  };

  api.route(
    {
      method: 'post',
      path: '/decode',
      summary: 'Decrypt Temporal payloads of my district (Temporal UI remote codec)',
      description:
        "Every encrypted payload must carry the workflow it belongs to (metadata 'childsafe-scope'); the request is refused as a whole if any of them belongs to another district or to none.",
      roles: CODEC_ROLES,
      request: { body: payloadsBody },
      response: { status: 200, description: 'The payloads', schema: payloadsView },
      errors: [ErrorCode.PayloadTooLarge],
    },
    async ({ body, actor, req }) => {
      const payloads = body.payloads.map(fromJson);
      const counts = new Map<string, number>();
      let unscoped = 0;
      for (const p of payloads) {
        if (!isEncrypted(p)) continue;
        const scope = payloadScope(p);
        if (scope === undefined) unscoped += 1;
        else counts.set(scope, (counts.get(scope) ?? 0) + 1);
      }
      const refused: string[] = [];
      for (const scope of counts.keys()) {
        if ((await deps.districtOf(scope)) !== actor.jurisdiction.districtCode) refused.push(scope);
      }
      const audit = (action: string, workflowId: string | undefined, reason: string) =>
        deps.audit.record({
          actorId: actor.userId,
          actorRole: actor.role,
          action,
          ...(workflowId ? { caseId: workflowId.split('/')[0] } : {}),
          reason,
          requestId: req.requestId,
        });
      if (unscoped || refused.length) {
        for (const scope of refused)
          await audit('temporal_payload.decode_refused', scope, `outside district: ${scope}`);
        if (unscoped) await audit('temporal_payload.decode_refused', undefined, `${unscoped} payload(s) without scope`);
        throw new AppError(ErrorCode.Forbidden, 'Not allowed to decode these payloads');
      }
      for (const [scope, n] of counts) {
        await audit('temporal_payload.decoded', scope, `${n} payload(s) of ${scope} via the Temporal UI codec`);
      }
      return run((p) => deps.codec.decode(p), body.payloads);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/encode',
      summary: 'Encrypt Temporal payloads (Temporal UI remote codec)',
      roles: CODEC_ROLES,
      request: { body: payloadsBody },
      response: { status: 200, description: 'The payloads', schema: payloadsView },
      errors: [ErrorCode.PayloadTooLarge],
    },
    async ({ body }) => run((p) => deps.codec.encode(p), body.payloads),
  );

  return api.router;
}
