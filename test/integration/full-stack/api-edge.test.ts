/**
 * The API edge on the real stack (issue #13): input hardening, idempotency keys bound to their request, CSRF for
 * cookie-authenticated writes, rate-limit buckets and the development mail viewer.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { residentIdCheckCharacter } from '../../../contracts/text';
import { DEMO_PASSWORD } from '../../../api/auth/demo-users';
import { CHANGNING, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(120_000);

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.app);
// Sign-in is rate limited (10 a minute per address): each account signs in once.
const tokens = new Map<string, Promise<string>>();
const signIn = (email: string) => {
  if (!tokens.has(email)) tokens.set(email, stack.login(email));
  return tokens.get(email)!;
};
type FieldList = { field: string; message: string }[];
const fieldsOf = (res: request.Response) => (res.body.details?.fields as FieldList | undefined) ?? [];

async function file(token: string, body: object | string, key = randomUUID()) {
  const req = api().post('/api/v1/reports').set('authorization', `Bearer ${token}`).set('idempotency-key', key);
  return typeof body === 'string' ? req.set('content-type', 'application/json').send(body) : req.send(body);
}

function idNumber(first17: string): string {
  return first17 + residentIdCheckCharacter(first17);
}
// 31010520160501123 has check character 0 (GB 11643); any other is wrong.
const WRONG_CHECK_DIGIT = '310105201605011237';

describe('input hardening at the edge', () => {
  it('refuses 3,000 levels of nested JSON with 400 naming the limit, on the public sign-in and on filing', async () => {
    const deep = `{"email":${'['.repeat(3000)}${']'.repeat(3000)},"password":"x"}`;
    const login = await api().post('/api/v1/auth/login').set('content-type', 'application/json').send(deep);
    expect(login.status).toBe(400);
    expect(fieldsOf(login)).toEqual([{ field: '(body)', message: 'request body nests deeper than 32 levels' }]);

    const reporter = await signIn(CHANGNING.reporter);
    const body = JSON.stringify({ ...reportBody(), account: 'PLACEHOLDER' }).replace(
      '"PLACEHOLDER"',
      `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
    );
    const filed = await file(reporter, body);
    expect(filed.status).toBe(400);
    expect(fieldsOf(filed)[0]?.message).toContain('32 levels');
    expect((await file(reporter, reportBody())).status).toBe(202);
  });

  it.each([
    ['NUL in the name', { name: '王\u0000小红' }, 'child.name', 'control character'],
    ['a lone surrogate in the name', { name: '王\ud800小红' }, 'child.name', 'surrogate'],
    ['a right-to-left override in the name', { name: '王\u202e红小' }, 'child.name', 'bidirectional'],
    ['a zero-width space in the name', { name: '王\u200b小红' }, 'child.name', 'zero-width'],
    ['a line break in the name', { name: '王\n小红' }, 'child.name', 'one line'],
    ['a date of birth in year 0', { dateOfBirth: '0000-01-01' }, 'child.dateOfBirth', 'not a minor'],
    ['a date of birth in the future', { dateOfBirth: '2099-01-01' }, 'child.dateOfBirth', 'future'],
    ['a date of birth that does not exist', { dateOfBirth: '2016-02-30' }, 'child.dateOfBirth', ''],
    ['an ID number with a wrong check digit', { idNumber: WRONG_CHECK_DIGIT }, 'child.idNumber', 'check digit'],
  ])('refuses a report with %s: 400 naming the field', async (_label, child, field, message) => {
    const reporter = await signIn(CHANGNING.reporter);
    const base = reportBody();
    const res = await file(reporter, { ...base, child: { ...base.child, ...child } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(fieldsOf(res)).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('refuses text escapes the same way when they arrive as JSON escapes, and bad text in free-text fields', async () => {
    const reporter = await signIn(CHANGNING.reporter);
    const base = reportBody();
    const raw = JSON.stringify({ ...base, account: 'ACCOUNT' }).replace('"ACCOUNT"', '"seen at \\u0007 \\udfff"');
    const res = await file(reporter, raw);
    expect(res.status).toBe(400);
    expect(fieldsOf(res).map((f) => f.field)).toEqual(['account']);

    const unit = await file(reporter, {
      ...base,
      reporterUnit: { ...base.reporterUnit, name: '\u2066长宁小学\u2069' },
    });
    expect(unit.status).toBe(400);
    expect(fieldsOf(unit).map((f) => f.field)).toEqual(['reporterUnit.name']);
  });

  it('refuses a body that is not valid UTF-8 with 400', async () => {
    const reporter = await signIn(CHANGNING.reporter);
    const text = JSON.stringify(reportBody());
    const bytes = Buffer.from(text);
    const at = bytes.indexOf(Buffer.from('王小红'));
    const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe7, 0x8e]), bytes.subarray(at + 3)]);
    const res = await api()
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .set('content-type', 'application/json')
      .serialize((d) => d)
      .send(broken);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([{ field: '(body)', message: 'must be UTF-8 encoded JSON' }]);
  });

  it('checks the date of birth inside the ID number against the one given, and accepts them when they agree', async () => {
    const reporter = await signIn(CHANGNING.reporter);
    const base = reportBody();
    const id = idNumber(`31010520160501${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`);
    const mismatch = await file(reporter, {
      ...base,
      child: { ...base.child, idNumber: id, dateOfBirth: '2016-05-02' },
    });
    expect(mismatch.status).toBe(400);
    expect(fieldsOf(mismatch)).toEqual([
      { field: 'child.dateOfBirth', message: 'does not match the date of birth in the ID number (2016-05-01)' },
    ]);
    const agree = await file(reporter, { ...base, child: { ...base.child, idNumber: id, dateOfBirth: '2016-05-01' } });
    expect(agree.status).toBe(202);
  });

  it('stores names NFC-normalised: the same name typed decomposed is accepted as the composed one', async () => {
    const reporter = await signIn(CHANGNING.reporter);
    const res = await file(reporter, reportBody({ name: 'Zoe\u0308 Wang' }));
    expect(res.status).toBe(202);
  });
});

describe('idempotency keys bound to the request', () => {
  it('answers the same key with the same body with the same receipt, and with a different body 422 naming the conflict', async () => {
    const reporter = await signIn(CHANGNING.reporter);
    const key = randomUUID();
    const body = reportBody();
    const first = await file(reporter, body, key);
    expect(first.status).toBe(202);
    // The same request with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await file(reporter, reordered, key);
    expect(again.status).toBe(202);
    expect(again.body.receipt).toBe(first.body.receipt);

    const different = await file(reporter, { ...body, account: '另一个孩子，另一件事。' }, key);
    expect(different.status).toBe(422);
    expect(different.body).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED', details: { field: 'Idempotency-Key' } });
    expect(different.body.message).toContain('different request');

    // The key stays per filer: another filer's identical key is another report.
    const otherFiler = await signIn(CHANGNING.police);
    const theirs = await file(otherFiler, { ...body, account: '另一个孩子，另一件事。' }, key);
    expect(theirs.status).toBe(202);
    expect(theirs.body.receipt).not.toBe(first.body.receipt);
  });
});

describe('CSRF on filing', () => {
  it('refuses a report posted with the session cookie from a foreign origin (403, nothing filed), and files it from our own', async () => {
    const login = await api()
      .post('/api/v1/auth/login')
      .send({ email: CHANGNING.police, password: DEMO_PASSWORD })
      .expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const key = randomUUID();
    const post = () =>
      api().post('/api/v1/reports').set('cookie', cookie).set('idempotency-key', key).send(reportBody());
    // What a page on another port of the same host can send without a preflight: a plain-text form post.
    const forged = await api()
      .post('/api/v1/reports')
      .set('cookie', cookie)
      .set('origin', 'http://127.0.0.1:8233')
      .set('content-type', 'text/plain')
      .send(JSON.stringify(reportBody()));
    expect(forged.status).toBe(403);
    const forgedJson = await post().set('origin', 'http://127.0.0.1:8233').set('sec-fetch-site', 'same-site');
    expect(forgedJson.status).toBe(403);
    const own = await post().set('sec-fetch-site', 'same-origin').set('origin', stack.config.PUBLIC_URL);
    expect(own.status).toBe(202);
  });
});

describe('the OpenAPI document', () => {
  it('declares the required Idempotency-Key header on filing and on detention notices', async () => {
    const doc = (await api().get('/api/openapi.json').expect(200)).body;
    for (const path of ['/api/v1/reports', '/api/v1/detention-notices']) {
      expect(doc.paths[path].post.parameters).toContainEqual(
        expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
      );
      expect(doc.paths[path].post.responses['422']).toBeDefined();
    }
  });
});
