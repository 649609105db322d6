/**
 * A key bound to its request (api/intake/receipts.ts): the fingerprint of a body in canonical form, and the start that
 * finds the workflow the same key already started and refuses a different request under it (422). The Temporal client
 * is a stand-in recording what it was asked; the real server answers the same in test/integration/full-stack.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { AppError, ErrorCode } from '../../../common/errors';
import { FINGERPRINT_MEMO, requestFingerprint, startIdempotently } from '../../../api/intake/receipts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the request fingerprint', () => {
  it('is the SHA-256 of the body in canonical form: keys sorted at every level, undefined left out', () => {
    const body = { b: [3, { y: null, x: '小明' }], a: 1, skipped: undefined, c: { e: true, d: 'z' } };
    expect(requestFingerprint(body)).toBe(
      sha('childsafe-request\0{"a":1,"b":[3,{"x":"小明","y":null}],"c":{"d":"z","e":true}}'),
    );
  });

  it('is the same for equal requests whatever their key order, and differs for any change', () => {
    const base = requestFingerprint({ place: { districtCode: '310105', streetCode: 'huayang' }, concerns: ['a', 'b'] });
    expect(requestFingerprint({ concerns: ['a', 'b'], place: { streetCode: 'huayang', districtCode: '310105' } })).toBe(
      base,
    );
    for (const changed of [
      { place: { districtCode: '310105', streetCode: 'xinhua' }, concerns: ['a', 'b'] },
      { place: { districtCode: '310105', streetCode: 'huayang' }, concerns: ['b', 'a'] },
      { place: { districtCode: '310105', streetCode: 'huayang' }, concerns: ['a'] },
      { place: { districtCode: '310105' }, concerns: ['a', 'b'] },
    ])
      expect(requestFingerprint(changed)).not.toBe(base);
  });

  it('tells apart values that print alike', () => {
    expect(requestFingerprint({ n: 1 })).not.toBe(requestFingerprint({ n: '1' }));
    expect(requestFingerprint({ n: null })).not.toBe(requestFingerprint({}));
    expect(requestFingerprint([])).not.toBe(requestFingerprint({}));
    expect(requestFingerprint(undefined)).toBe(sha('childsafe-request\0null'));
    expect(requestFingerprint('x')).toBe(sha('childsafe-request\0"x"'));
    // Sorting compares keys by code unit, both ways: "B" < "a" < "b".
    expect(requestFingerprint({ b: 1, a: 2, B: 3 })).toBe(sha('childsafe-request\0{"B":3,"a":2,"b":1}'));
    expect(requestFingerprint({ a: 2, B: 3, b: 1 })).toBe(sha('childsafe-request\0{"B":3,"a":2,"b":1}'));
  });
});

/** A client whose start fails (or not) as given, and whose describe answers with the given memo. */
function fakeClient(startError: Error | undefined, memo?: Record<string, unknown>) {
  const start = jest.fn(async () => {
    if (startError) throw startError;
  });
  const describe = jest.fn(async () => ({ memo }));
  const getHandle = jest.fn(() => ({ describe }));
  return { client: { workflow: { start, getHandle } } as unknown as Client, start, getHandle, describe };
}

const intakeWorkflow = async (_input: { n: number }) => undefined;
const START = {
  workflow: intakeWorkflow,
  workflowId: 'intake-abc',
  taskQueue: 'childsafe',
  args: [{ n: 1 }] as [{ n: number }],
  fingerprint: 'f1',
};
const alreadyStarted = () => new WorkflowExecutionAlreadyStartedError('started', 'intake-abc', 'intakeWorkflow');

describe('starting a workflow under an idempotency key', () => {
  it('starts it once, carrying the fingerprint, refusing a second workflow under the same id', async () => {
    const { client, start, getHandle } = fakeClient(undefined);
    await startIdempotently(client, START);
    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith(intakeWorkflow, {
      workflowId: 'intake-abc',
      taskQueue: 'childsafe',
      args: [{ n: 1 }],
      memo: { [FINGERPRINT_MEMO]: 'f1' },
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    expect(getHandle).not.toHaveBeenCalled();
  });

  it('answers a retry of the same request as the first start', async () => {
    const { client, getHandle } = fakeClient(alreadyStarted(), { [FINGERPRINT_MEMO]: 'f1' });
    await expect(startIdempotently(client, START)).resolves.toBeUndefined();
    expect(getHandle).toHaveBeenCalledWith('intake-abc');
  });

  it('refuses a different request under the same key with 422 naming the header', async () => {
    const { client } = fakeClient(alreadyStarted(), { [FINGERPRINT_MEMO]: 'f0' });
    const refused = await startIdempotently(client, START).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: ErrorCode.IdempotencyKeyReused,
      status: 422,
      details: { field: 'Idempotency-Key' },
      message: expect.stringContaining('different request'),
    });
  });

  it('takes a workflow started before fingerprints were recorded as the same request', async () => {
    await expect(startIdempotently(fakeClient(alreadyStarted(), {}).client, START)).resolves.toBeUndefined();
    await expect(startIdempotently(fakeClient(alreadyStarted(), undefined).client, START)).resolves.toBeUndefined();
  });

  it('passes any other failure on untouched', async () => {
    const down = new Error('connect ECONNREFUSED');
    const { client, getHandle } = fakeClient(down);
    await expect(startIdempotently(client, START)).rejects.toBe(down);
    expect(getHandle).not.toHaveBeenCalled();
  });
});
