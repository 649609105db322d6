/** Signing in, out and who-am-I through the real HTTP stack on FerretDB. */
import request from 'supertest';
import { connectTestDatabase } from '../../helpers/mongo';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from '../../../api/auth/demo-users';
import { ROLES } from '../../../api/auth/roles';
import { createAuditLogSink } from '../../../api/auth/audit';
import { auditTrailForChild } from '../../../models/audit-repository';
import { AuditEventModel } from '../../../models/audit-event';
import { AGENCY_CODES } from '../../../models/seed/directory';
import { UserModel } from '../../../models/user';
import { RateLimitWindowModel } from '../../../api/http/rate-limit';
import { Types } from 'mongoose';
import { createTestApi } from './api-harness';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

const POLICE = 'police.huayang@changning.demo.childsafe.local';
const STREET = 'street.huayang@changning.demo.childsafe.local';

let drop: () => Promise<void>;
let api: ReturnType<typeof createTestApi>;

beforeAll(async () => {
  drop = await connectTestDatabase('auth');
  await UserModel.init();
  api = createTestApi();
  await seedDemoUsers(api.users, { environment: 'test' });
});
afterAll(() => drop());

const login = (email: string, password = DEMO_PASSWORD) =>
  request(api.app).post('/api/v1/auth/login').send({ email, password });
/** An error answer without its per-request id, to compare refusals. */
const refusal = (res: request.Response) => ({
  status: res.status,
  body: { ...res.body, requestId: undefined },
  headers: res.headers['set-cookie'],
});

describe('demo accounts', () => {
  it('exist for every role, in agencies of the directory, and seeding again creates nothing', async () => {
    expect(new Set(DEMO_USERS.map((u) => u.role))).toEqual(new Set(ROLES));
    for (const user of DEMO_USERS) expect(AGENCY_CODES).toContain(user.agencyCode);
    const again = await seedDemoUsers(api.users, { environment: 'test' });
    expect(again).toEqual({ created: [], existing: DEMO_USERS.map((u) => u.email) });
    expect(await UserModel.countDocuments()).toBe(DEMO_USERS.length);
  });

  it('are never created in production', async () => {
    await expect(seedDemoUsers(api.users, { environment: 'production' })).rejects.toThrow(/never/);
  });
});

describe('signing in', () => {
  it('answers a bearer token and sets an HTTP-only SameSite=Strict session cookie; both authenticate /me', async () => {
    const res = await login(POLICE.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      email: POLICE,
      displayName: expect.any(String),
      role: 'agency_staff',
      agencyCode: 'cn.police.huayang',
      jurisdiction: { districtCode: '310105', streetCode: 'huayang' },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|scrypt|failedLogins/);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
    expect(cookie).toMatch(/^childsafe_session=[^;]+; Path=\/api; Expires=.+; HttpOnly; SameSite=Strict$/);

    const byBearer = await request(api.app).get('/api/v1/auth/me').set('authorization', `Bearer ${res.body.token}`);
    expect(byBearer.status).toBe(200);
    expect(byBearer.body).toEqual({ user: res.body.user });
    const byCookie = await request(api.app).get('/api/v1/auth/me').set('cookie', cookie.split(';')[0]!);
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.user.email).toBe(POLICE);
    expect(api.audited).toContainEqual(expect.objectContaining({ actorId: res.body.user.id, action: 'auth.login' }));
  });

  it('gives the same answer for an unknown address and a wrong password', async () => {
    const unknown = await login('nobody@changning.demo.childsafe.local');
    const wrong = await login(STREET, 'wrong-password');
    expect(unknown.status).toBe(401);
    expect(refusal(unknown)).toEqual(refusal(wrong));
    expect(unknown.body).toMatchObject({
      error: 'UNAUTHENTICATED',
      message: 'Email or password is incorrect',
      details: null,
    });
    expect(unknown.headers['set-cookie']).toBeUndefined();
    await login(STREET); // resets the failure count for the next tests
  });

  it('locks an account for 15 minutes after five wrong passwords, with the same answer as a wrong password', async () => {
    const email = 'supervisor.police.huayang@changning.demo.childsafe.local';
    const wrong = await login(email, 'guess-0');
    for (let i = 1; i < 5; i++) expect((await login(email, `guess-${i}`)).status).toBe(401);
    const user = await UserModel.findOne({ email }).lean();
    expect(user!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const lockedWithRightPassword = await login(email);
    expect(refusal(lockedWithRightPassword)).toEqual(refusal(wrong));

    // Guessing on while locked does not extend the lock.
    await login(email, 'guess-6');
    expect((await UserModel.findOne({ email }).lean())!.lockedUntil).toEqual(user!.lockedUntil);

    // Once the lock has passed, the right password works again and the count starts afresh.
    await UserModel.updateOne({ email }, { $set: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await login(email)).status).toBe(200);
    expect(await UserModel.findOne({ email }).lean()).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('counts failures only while consecutive: a success in between starts the count again', async () => {
    const email = 'court@changning.demo.childsafe.local';
    for (let i = 0; i < 4; i++) await login(email, 'nope');
    expect((await login(email)).status).toBe(200);
    for (let i = 0; i < 4; i++) await login(email, 'nope');
    expect((await login(email)).status).toBe(200);
  });

  it('refuses a deactivated account with the same answer', async () => {
    const email = 'hospital@fengtai.demo.childsafe.local';
    const wrong = await login(email, 'nope');
    await UserModel.updateOne({ email }, { $set: { active: false } });
    expect(refusal(await login(email))).toEqual(refusal(wrong));
  });

  it('limits sign-in attempts per client address with 429 and Retry-After, counted across API processes', async () => {
    await RateLimitWindowModel.deleteMany({});
    // Two API processes sharing the database: the allowance is per address, not per process.
    const limit = { limit: 3, windowSeconds: 3600 };
    const processes = [createTestApi({ loginRateLimit: limit }), createTestApi({ loginRateLimit: limit })];
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await request(processes[i % 2]!.app)
        .post('/api/v1/auth/login')
        .send({ email: 'x@y.example', password: 'p' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(last!.body).toMatchObject({ error: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(3600);
    await RateLimitWindowModel.deleteMany({});
  });

  it('validates the sign-in body like every other route', async () => {
    const res = await request(api.app)
      .post('/api/v1/auth/login')
      .send({ email: { $ne: null }, password: 1, remember: true });
    expect(res.status).toBe(400);
    expect((res.body.details.fields as { field: string }[]).map((f) => f.field).sort()).toEqual([
      'email',
      'email.$ne',
      'password',
      'remember',
    ]);
  });
});

describe('authentication', () => {
  it('answers 401 with nothing more than "Authentication required", whatever is wrong with the token', async () => {
    const good = (await login(POLICE)).body.token as string;
    const [h, p, s] = good.split('.');
    const otherKey = createTestApi().tokens.issue({ userId: '000000000000000000000000', tokenVersion: 0 }).token;
    const attempts = [
      undefined,
      'Bearer',
      'Bearer not-a-token',
      `Bearer ${h}.${p}.${s!.slice(0, -2)}xx`,
      `Bearer ${otherKey}`,
      `Bearer ${api.tokens.issue({ userId: '000000000000000000000000', tokenVersion: 0 }).token}`,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
    ];
    const bodies = new Set<string>();
    for (const authorization of attempts) {
      const req = request(api.app).get('/api/v1/auth/me');
      const res = await (authorization ? req.set('authorization', authorization) : req);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="childsafe"');
      bodies.add(JSON.stringify({ ...res.body, requestId: undefined }));
    }
    expect([...bodies]).toEqual([
      JSON.stringify({ error: 'UNAUTHENTICATED', message: 'Authentication required', details: null }),
    ]);
  });

  it('ends every session of the account on logout and clears the cookie', async () => {
    const first = (await login(STREET)).body.token as string;
    const second = (await login(STREET)).body.token as string;
    const out = await request(api.app).post('/api/v1/auth/logout').set('authorization', `Bearer ${first}`);
    expect(out.status).toBe(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(
      /^childsafe_session=; Path=\/api; Expires=Thu, 01 Jan 1970/,
    );
    for (const token of [first, second]) {
      expect((await request(api.app).get('/api/v1/auth/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    }
    expect(api.audited).toContainEqual(
      expect.objectContaining({ action: 'auth.logout', actorRole: 'street_coordinator' }),
    );
  });

  it('stops a deactivated account at once, even with a token issued before', async () => {
    const email = 'school@fengtai.demo.childsafe.local';
    const token = (await login(email)).body.token as string;
    await UserModel.updateOne({ email }, { $set: { active: false } });
    expect((await request(api.app).get('/api/v1/auth/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
  });
});

describe('the audit log sink', () => {
  it('appends each record to the audit log with the role and request id', async () => {
    const sink = createAuditLogSink();
    const childId = '64b7f0c2a1b2c3d4e5f60718';
    await sink.record({
      actorId: 'u1',
      actorRole: 'court_staff',
      action: 'child_file.read',
      childId,
      caseId: 'case-1',
      reason: 'sealed_record',
      requestId: 'req-12345678',
    });
    const [event] = await auditTrailForChild(new Types.ObjectId(childId));
    expect(event).toMatchObject({
      actor: { kind: 'user', id: 'u1' },
      action: 'child_file.read',
      caseWorkflowId: 'case-1',
      reason: 'sealed_record',
      details: { actorRole: 'court_staff', requestId: 'req-12345678' },
    });
    expect(await AuditEventModel.countDocuments()).toBe(1);
  });
});
