/**
 * Idempotent intake keys (api/intake/receipts.ts): a report's identity is the filer plus their Idempotency-Key, so a
 * retry is the same report and two filers who happen to send the same key are two reports.
 */
import type { Request } from 'express';
import { AppError } from '../../../common/errors';
import { intakeKey, requireIdempotencyKey } from '../../../api/intake/receipts';

const RECEIPT = /^CS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('intake keys', () => {
  it('gives the same filer and key the same workflow key and receipt, every time', () => {
    const a = intakeKey('user-1', 'key-0001');
    expect(intakeKey('user-1', 'key-0001')).toEqual(a);
    expect(a.key).toMatch(/^[0-9a-f]{40}$/);
    expect(a.receipt).toMatch(RECEIPT);
  });

  it('keeps two filers apart when they send the same Idempotency-Key', () => {
    const school = intakeKey('school-teacher', 'same-key-123');
    const hospital = intakeKey('hospital-doctor', 'same-key-123');
    expect(hospital.key).not.toBe(school.key);
    expect(hospital.receipt).not.toBe(school.receipt);
  });

  it('gives one filer a new report for a new key', () => {
    const first = intakeKey('user-1', 'key-0001');
    const second = intakeKey('user-1', 'key-0002');
    expect(second.key).not.toBe(first.key);
    expect(second.receipt).not.toBe(first.receipt);
  });

  it('does not let the boundary between filer and key move (user "a" key "bc" is not user "ab" key "c")', () => {
    expect(intakeKey('a', 'bcdefghij').key).not.toBe(intakeKey('ab', 'cdefghij').key);
  });

  it('keeps a receipt stable across releases (a golden value: a changed derivation would split a retried report)', () => {
    expect(intakeKey('user-1', 'key-0001')).toEqual({
      key: '4a9851cdf7c71d721ddac89ecb9dc73b68596fe4',
      receipt: 'CS-9AC5-3KFQ-RWEQ',
    });
  });
});

describe('the Idempotency-Key header', () => {
  const req = (value?: string) =>
    ({ get: (name: string) => (name === 'idempotency-key' ? value : undefined) }) as Request;
  const fieldsOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      return (err as AppError).details;
    }
    throw new Error('expected a 400');
  };

  it('returns a well-formed key', () => {
    expect(requireIdempotencyKey(req('a1b2c3d4'))).toBe('a1b2c3d4');
    expect(requireIdempotencyKey(req('9f3c1e2a-4b5d-4c6e-8f70-112233445566'))).toBe(
      '9f3c1e2a-4b5d-4c6e-8f70-112233445566',
    );
    expect(requireIdempotencyKey(req('x'.repeat(128)))).toBe('x'.repeat(128));
  });

  it('names the header when it is missing or malformed', () => {
    expect(fieldsOf(() => requireIdempotencyKey(req()))).toEqual({
      fields: [{ field: 'Idempotency-Key', message: 'the Idempotency-Key header is required' }],
    });
    for (const bad of ['short', 'x'.repeat(129), 'has space 123', 'semi;colon1', '$gt-injected'])
      expect(fieldsOf(() => requireIdempotencyKey(req(bad)))).toEqual({
        fields: [{ field: 'Idempotency-Key', message: 'must be 8-128 letters, digits, "-" or "_"' }],
      });
  });
});
