/**
 * The remote codec endpoint for the Temporal UI (docs.temporal.io "codec server"): POST /decode and /encode with
 * `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, through the same EncryptionCodec the workers use, so
 * a coordinator can read a case's history in the UI. Only signed-in district coordinators and administrators; the
 * Temporal UI's origin (TEMPORAL_UI_URL) may call it cross-origin with credentials.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import { createApiRouter } from '../http/api-router';

const CODEC_ROLES = ['district_coordinator', 'administrator'] as const;

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

  for (const [path, direction] of [
    ['/decode', 'decode'],
    ['/encode', 'encode'],
  ] as const) {
    api.route(
      {
        method: 'post',
        path,
        summary: `${direction === 'decode' ? 'Decrypt' : 'Encrypt'} Temporal payloads (Temporal UI remote codec)`,
        roles: CODEC_ROLES,
        request: { body: payloadsBody },
        response: { status: 200, description: 'The payloads', schema: payloadsView },
        errors: [ErrorCode.PayloadTooLarge],
      },
      async ({ body }) => run((p) => deps.codec[direction](p), body.payloads),
    );
  }

  return api.router;
}
