/**
 * Idempotent intake keys. A report's identity is the filer plus the Idempotency-Key their client sent: the same pair
 * always gives the same intake workflow id and the same receipt number, so a retried, double-clicked or concurrent
 * submission is one report and every answer carries the same receipt — before anything has been written.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { validationError } from '../../common/errors';

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
