/**
 * Accounts managed by a district's administrator, through the real HTTP stack on FerretDB: create (with a one-time
 * code the person sets their password with), change role and agency, deactivate (the next request answers 401),
 * reactivate, reset a password; 403 for anyone else and for another district's administrator; 400 naming every
 * invalid field; every change audited. And the demo data: every agency that receives a task in a demo case has an
 * account that gets its inbox notices.
 */
import request from 'supertest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from '../../../api/auth/demo-users';
import { createAccountRouter } from '../../../api/routes/accounts';
import { defaultCommittee, responsibleAgencies } from '../../../models/agency-directory';
import { seedDirectory } from '../../../models/seed/directory';
import { UserModel, createUserRepository } from '../../../models/user';
import type { AuditRecord } from '../../../api/auth/audit';
import { listPolicyPacks, loadPolicyPack } from '../../../policies';
import { connectTestDatabase } from '../../helpers/mongo';
import { createTestApi } from './api-harness';

jest.setTimeout(60_000); // scrypt hashes on a loaded machine, FerretDB round trips

const CN_ADMIN = 'admin@changning.demo.childsafe.local';
const FT_ADMIN = 'admin@fengtai.demo.childsafe.local';
const CN_COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';
const NEW_USER = 'teacher.liu@changning.demo.childsafe.local';
const NEW_PASSWORD = 'Jiaoyu-ju-2026!';

let drop: () => Promise<void>;
let api: ReturnType<typeof createTestApi>;
const tokens = new Map<string, string>();

beforeAll(async () => {
  drop = await connectTestDatabase('accounts');
  await UserModel.init();
  await seedDirectory();
  api = createTestApi({
    extraRouters: (authenticate) => ({
      '/accounts': createAccountRouter({
        users: createUserRepository(),
        authenticate,
        audit: { record: async (event) => void accountAudit.push(event) },
      }),
    }),
  });
  await seedDemoUsers(api.users, { environment: 'test' });
});
afterAll(() => drop());

const accountAudit: AuditRecord[] = [];

async function login(email: string, password = DEMO_PASSWORD): Promise<string> {
  const known = tokens.get(email);
  if (known && password === DEMO_PASSWORD) return known;
  const res = await request(api.app).post('/api/v1/auth/login').send({ email, password });
  expect({ email, status: res.status }).toEqual({ email, status: 200 });
  if (password === DEMO_PASSWORD) tokens.set(email, res.body.token);
  return res.body.token as string;
}
const as = (token: string) => ({
  get: (path: string) => request(api.app).get(`/api/v1${path}`).set('authorization', `Bearer ${token}`),
  post: (path: string, body?: object) =>
    request(api.app)
      .post(`/api/v1${path}`)
      .set('authorization', `Bearer ${token}`)
      .send(body ?? {}),
  patch: (path: string, body: object) =>
    request(api.app).patch(`/api/v1${path}`).set('authorization', `Bearer ${token}`).send(body),
});
const fields = (res: request.Response) => (res.body.details?.fields ?? []).map((f: { field: string }) => f.field);

describe('an administrator manages the accounts of their district', () => {
  let accountId: string;
  let code: string;

  it('creates an education-bureau account with a one-time code; the person sets a password with it, once', async () => {
    const admin = as(await login(CN_ADMIN));
    const created = await admin.post('/accounts', {
      email: NEW_USER,
      displayName: '刘老师',
      role: 'agency_staff',
      agencyCode: 'cn.education',
    });
    expect(created.status).toBe(201);
    expect(created.body.account).toMatchObject({
      email: NEW_USER,
      role: 'agency_staff',
      agency: { code: 'cn.education', name: { zh: '长宁区教育局' } },
      jurisdiction: { districtCode: '310105' },
      active: true,
      resetPending: true,
    });
    expect(created.body.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    accountId = created.body.account.id;
    code = created.body.code;
    // The code is stored only as a hash, and the list never shows it.
    const stored = await UserModel.findById(accountId).lean();
    expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ''));
    const list = await admin.get('/accounts').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(code);
    expect(list.body.items.find((a: { id: string }) => a.id === accountId)).toMatchObject({ displayName: '刘老师' });

    const reset = (c: string) =>
      request(api.app)
        .post('/api/v1/auth/password-reset')
        .send({ email: NEW_USER, code: c, newPassword: NEW_PASSWORD });
    expect((await reset('AAAA-BBBB-CCCC')).status).toBe(400);
    await reset(code.toLowerCase()).expect(204);
    const again = await reset(code);
    expect(again.status).toBe(400);
    expect(fields(again)).toEqual(['code']);
    const me = await as(await login(NEW_USER, NEW_PASSWORD))
      .get('/auth/me')
      .expect(200);
    expect(me.body.user).toMatchObject({ email: NEW_USER, agencyCode: 'cn.education' });
  });

  it('deactivates it: the next request with its live session answers 401, and it cannot sign in until reactivated', async () => {
    const admin = as(await login(CN_ADMIN));
    const session = as(await login(NEW_USER, NEW_PASSWORD));
    await session.get('/auth/me').expect(200);
    const off = await admin.post(`/accounts/${accountId}/deactivate`).expect(200);
    expect(off.body.active).toBe(false);
    await session.get('/auth/me').expect(401);
    await session.get('/notifications').expect(401);
    const refused = await request(api.app).post('/api/v1/auth/login').send({ email: NEW_USER, password: NEW_PASSWORD });
    expect(refused.status).toBe(401);
    await admin.post(`/accounts/${accountId}/password-reset`).expect(409);

    const on = await admin.post(`/accounts/${accountId}/reactivate`).expect(200);
    expect(on.body.active).toBe(true);
    await as(await login(NEW_USER, NEW_PASSWORD))
      .get('/auth/me')
      .expect(200);
  });

  it('changes role and agency (by the agency it names), which ends the sessions of the account', async () => {
    const admin = as(await login(CN_ADMIN));
    const session = as(await login(NEW_USER, NEW_PASSWORD));
    const changed = await admin
      .patch(`/accounts/${accountId}`, { role: 'agency_supervisor', agencyCode: 'cn.justice' })
      .expect(200);
    expect(changed.body).toMatchObject({ role: 'agency_supervisor', agency: { name: { zh: '长宁区司法局' } } });
    await session.get('/auth/me').expect(401);
    const street = await admin
      .patch(`/accounts/${accountId}`, { role: 'street_coordinator', agencyCode: 'cn.street.huayang' })
      .expect(200);
    expect(street.body.jurisdiction).toEqual({ districtCode: '310105', streetCode: 'huayang' });
  });

  it('issues a new one-time code: earlier sessions end and the new password works', async () => {
    const admin = as(await login(CN_ADMIN));
    const session = as(await login(NEW_USER, NEW_PASSWORD));
    const issued = await admin.post(`/accounts/${accountId}/password-reset`).expect(200);
    expect(issued.body.account.resetPending).toBe(true);
    await session.get('/auth/me').expect(401);
    await request(api.app)
      .post('/api/v1/auth/password-reset')
      .send({ email: NEW_USER, code: issued.body.code, newPassword: `${NEW_PASSWORD}-2` })
      .expect(204);
    await as(await login(NEW_USER, `${NEW_PASSWORD}-2`))
      .get('/auth/me')
      .expect(200);
  });

  it('audits every change with the administrator and the account it was made on', async () => {
    const admin = (await UserModel.findOne({ email: CN_ADMIN }).lean())!;
    const actions = accountAudit
      .filter((e) => e.targetUserId === accountId)
      .map((e) => [e.action, e.actorId === String(admin._id)]);
    expect(actions).toEqual([
      ['account.created', true],
      ['account.password_reset_issued', true],
      ['account.deactivated', true],
      ['account.reactivated', true],
      ['account.updated', true],
      ['account.updated', true],
      ['account.password_reset_issued', true],
    ]);
    expect(accountAudit.find((e) => e.action === 'account.updated')?.changes).toEqual({
      role: 'agency_staff → agency_supervisor',
      agencyCode: 'cn.education → cn.justice',
    });
    expect(api.audited.filter((e) => e.action === 'auth.password_reset')).toHaveLength(2);
  });
});

describe('who may manage accounts', () => {
  it('answers 403 to every other role, and to another district’s administrator, whose agency or account it is', async () => {
    const coordinator = as(await login(CN_COORDINATOR));
    await coordinator.get('/accounts').expect(403);
    await coordinator
      .post('/accounts', { email: 'x@y.cn', displayName: 'x', role: 'agency_staff', agencyCode: 'cn.health' })
      .expect(403);
    const fengtai = as(await login(FT_ADMIN));
    const ftList = await fengtai.get('/accounts').expect(200);
    expect(
      ftList.body.items.every(
        (a: { jurisdiction: { districtCode: string } }) => a.jurisdiction.districtCode === '110106',
      ),
    ).toBe(true);
    const cnAccount = (await UserModel.findOne({ email: 'police.huayang@changning.demo.childsafe.local' }).lean())!;
    await fengtai.post(`/accounts/${String(cnAccount._id)}/deactivate`).expect(403);
    await fengtai.post(`/accounts/${String(cnAccount._id)}/password-reset`).expect(403);
    await fengtai.patch(`/accounts/${String(cnAccount._id)}`, { displayName: '改名' }).expect(403);
    await fengtai
      .post('/accounts', { email: 'spy@ft.cn', displayName: '某人', role: 'agency_staff', agencyCode: 'cn.health' })
      .expect(403);
    expect((await UserModel.findById(cnAccount._id).lean())!.active).toBe(true);
    expect(await UserModel.countDocuments({ email: 'spy@ft.cn' })).toBe(0);
  });

  it('answers 400 naming every invalid field, and a role that does not fit the agency', async () => {
    const admin = as(await login(CN_ADMIN));
    const bad = await admin.post('/accounts', {
      email: 'not-an-email',
      displayName: ' ',
      role: 'boss',
      agencyCode: '',
    });
    expect(bad.status).toBe(400);
    expect(fields(bad).sort()).toEqual(['agencyCode', 'displayName', 'email', 'role']);
    const misfit = await admin.post('/accounts', {
      email: 'judge@changning.demo.childsafe.local',
      displayName: '某法官',
      role: 'court_staff',
      agencyCode: 'cn.education',
    });
    expect(misfit.status).toBe(400);
    expect(fields(misfit)).toEqual(['role']);
    const unknown = await admin.post('/accounts', {
      email: 'nobody@changning.demo.childsafe.local',
      displayName: '某人',
      role: 'agency_staff',
      agencyCode: 'cn.no-such-agency',
    });
    expect(fields(unknown)).toEqual(['agencyCode']);
    const duplicate = await admin.post('/accounts', {
      email: CN_COORDINATOR,
      displayName: '重复',
      role: 'agency_staff',
      agencyCode: 'cn.health',
    });
    expect(duplicate.status).toBe(409);
    const self = (await UserModel.findOne({ email: CN_ADMIN }).lean())!;
    await admin.post(`/accounts/${String(self._id)}/deactivate`).expect(409);
    await admin.post('/accounts/not-an-id/deactivate').expect(400);
    await admin.post('/accounts/0123456789abcdef01234567/deactivate').expect(404);
  });
});

describe('demo accounts', () => {
  it('give every agency that receives a task in a demo case an account that gets its inbox notices', async () => {
    const deskRoles = [
      'agency_staff',
      'street_coordinator',
      'district_coordinator',
      'court_staff',
      'procuratorate_staff',
    ];
    const places = [
      { pack: 'cn-changning', districtCode: '310105', streetCode: 'huayang' },
      { pack: 'ft-fengtai', districtCode: '110106', streetCode: 'youanmen' },
    ];
    const missing: string[] = [];
    for (const place of places) {
      const summary = listPolicyPacks().find((p) => p.id.startsWith(place.pack))!;
      const pack = loadPolicyPack(summary.id);
      // A report that names no committee goes to the street's first (models/agency-directory.ts defaultCommittee).
      const committeeCode = await defaultCommittee(place.districtCode, place.streetCode);
      const agencies = await responsibleAgencies({
        districtCode: place.districtCode,
        streetCode: place.streetCode,
        ...(committeeCode ? { committeeCode } : {}),
      });
      for (const type of new Set(Object.values(pack.taskKinds).map((k) => k.agencyType))) {
        const code = agencies[type];
        const hasDesk = DEMO_USERS.some((u) => u.agencyCode === code && deskRoles.includes(u.role));
        if (!hasDesk) missing.push(`${place.pack} ${type} ${code}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
