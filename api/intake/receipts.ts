/**
 * Idempotent intake keys. A report's identity is the filer plus the Idempotency-Key their client sent: the same pair
 * always gives the same intake workflow id and the same receipt number, so a retried, double-clicked or concurrent
 * submission is one report and every answer carries the same receipt — before anything has been written.
 *
 * A key is bound to its request, as payment APIs do: the workflow carries a fingerprint of the request it was started
 * with (in its memo, encrypted by the payload codec like every payload), and the same key sent with a different body
 * is refused with 422 IDEMPOTENCY_KEY_REUSED instead of silently answering the first receipt and dropping the second
 * report.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type Workflow,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { AppError, ErrorCode, validationError } from '../../common/errors';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export interface IntakeKey {
  /** Hex digest; the intake workflow id is derived from it. */
  key: string;
  /** What the reporter keeps as proof of reporting: "CS-XXXX-XXXX-XXXX". */
  receipt: string;
}

export function intakeKey(filerUserId: string, idempotencyKey: string): IntakeKey {
  const digest = createHash('sha256').update(`childsafe-report\0${filerUserId}\0${idempotencyKey}`).digest();
  const code = base32(digest, 12);
  return {
    key: digest.toString('hex').slice(0, 40),
    receipt: `CS-${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`,
  };
}

/** The client's Idempotency-Key header; a missing or malformed one is a 400 naming the header. */
export function requireIdempotencyKey(req: Request): string {
  const key = req.get('idempotency-key');
  if (!key) throw validationError([{ field: 'Idempotency-Key', message: 'the Idempotency-Key header is required' }]);
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(key)) {
    throw validationError([{ field: 'Idempotency-Key', message: 'must be 8-128 letters, digits, "-" or "_"' }]);
  }
  return key;
}

/** Object keys sorted at every level, so two equal requests serialise to the same text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex SHA-256 of the validated request body in canonical form. */
export function requestFingerprint(body: unknown): string {
  return createHash('sha256')
    .update(`childsafe-request\0${canonicalJson(body)}`)
    .digest('hex');
}

export const FINGERPRINT_MEMO = 'requestFingerprint';

/** The workflow function itself (the client starts it by its name; its parameters type `args`), id, queue and args. */
export type IdempotentStart<W extends Workflow> = WorkflowStartOptions<W> & {
  workflow: W;
  /** `requestFingerprint` of the validated body. */
  fingerprint: string;
};

/**
 * Starts the workflow, or finds the one the same key started: if that one was started with another request, 422.
 * (A workflow started before fingerprints were recorded has none and is taken as the same request.)
 */
export async function startIdempotently<W extends Workflow>(
  temporal: Client,
  start: IdempotentStart<W>,
): Promise<void> {
  try {
    const { workflow, fingerprint, ...options } = start;
    // Object.assign keeps the options' type (args checked against the workflow's parameters) where a spread would not.
    const idempotent = Object.assign(options as WorkflowStartOptions<W>, {
      memo: { [FINGERPRINT_MEMO]: fingerprint },
      // The same key while the first start runs, or after it finished, lands here, never in a second workflow.
      workflowIdConflictPolicy: 'FAIL' as const,
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    });
    await temporal.workflow.start(workflow, idempotent);
    return;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const { memo } = await temporal.workflow.getHandle(start.workflowId).describe();
  const recorded = memo?.[FINGERPRINT_MEMO];
  if (recorded !== undefined && recorded !== start.fingerprint) {
    throw new AppError(
      ErrorCode.IdempotencyKeyReused,
      'This Idempotency-Key was already used for a different request; send a new key for a new submission',
      { field: 'Idempotency-Key' },
    );
  }
}
