/**
 * CSRF for cookie-authenticated writes and the development mail viewer, through the real HTTP stack (createApp) on
 * FerretDB with the demo accounts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DEMO_PASSWORD, seedDemoUsers } from '../../../api/auth/demo-users';
import { createCodecRouter } from '../../../api/routes/codec';
import { createDevMailRouter, devMailEnabled } from '../../../api/routes/dev-mail';
import { createEncryptionCodec } from '../../../common/codec';
import { testConfig } from '../../unit/api/test-config';
import { UserModel } from '../../../models/user';
import { connectTestDatabase } from '../../helpers/mongo';
import { createTestApi } from './api-harness';

jest.setTimeout(60_000);

const POLICE = 'police.huayang@changning.demo.childsafe.local';
const COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';
const ADMIN = 'admin@changning.demo.childsafe.local';
const PUBLIC_URL = 'http://127.0.0.1:3000';
const TEMPORAL_UI = 'http://127.0.0.1:8233';

let drop: () => Promise<void>;
let api: ReturnType<typeof createTestApi>;
let sinkDir: string;

beforeAll(async () => {
  drop = await connectTestDatabase('edgeguards');
  await UserModel.init();
  sinkDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-devmail-'));
  fs.writeFileSync(
    path.join(sinkDir, '0001.json'),
    JSON.stringify({ id: '0001', receivedAt: new Date().toISOString(), to: ['x@y'], subject: '新任务', text: 'hello' }),
  );
  api = createTestApi({
    config: { PUBLIC_URL, CORS_ORIGINS: 'https://partner.example', TEMPORAL_UI_URL: TEMPORAL_UI },
    extraRouters: (authenticate) => ({
      '/dev/mail': createDevMailRouter(sinkDir, authenticate),
      '/codec': createCodecRouter({
        codec: createEncryptionCodec(testConfig()),
        authenticate,
        temporalUiUrl: TEMPORAL_UI,
        districtOf: async () => null,
        audit: { record: async () => undefined },
      }),
    }),
  });
  await seedDemoUsers(api.users, { environment: 'test' });
});
afterAll(async () => {
  fs.rmSync(sinkDir, { recursive: true, force: true });
  await drop();
});

/** Signs in as an API client would (no browser headers) and returns the session cookie and the bearer token. */
async function signIn(email: string) {
  const res = await request(api.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
  return { cookie, token: res.body.token as string };
}

const logout = () => request(api.app).post('/api/v1/auth/logout');

describe('CSRF: state-changing requests authenticated by the cookie must come from our own origin', () => {
  it('refuses a cookie POST with a foreign Origin (another port of the same host) with 403, and does nothing', async () => {
    const { cookie, token } = await signIn(POLICE);
    const res = await logout().set('cookie', cookie).set('origin', TEMPORAL_UI);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'FORBIDDEN', message: 'Cross-site request refused' });
    // The session was not ended.
    expect((await request(api.app).get('/api/v1/auth/me').set('authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('refuses a cookie POST the browser marks same-site or cross-site, and one with no Origin at all', async () => {
    const { cookie } = await signIn(POLICE);
    for (const site of ['same-site', 'cross-site', 'none']) {
      const res = await logout().set('cookie', cookie).set('sec-fetch-site', site).set('origin', TEMPORAL_UI);
      expect(res.status).toBe(403);
    }
    expect((await logout().set('cookie', cookie)).status).toBe(403);
  });

  it('accepts a cookie POST from our own origin, by Sec-Fetch-Site or by Origin', async () => {
    const first = await signIn(POLICE);
    expect((await logout().set('cookie', first.cookie).set('sec-fetch-site', 'same-origin')).status).toBe(204);
    const second = await signIn(POLICE);
    expect((await logout().set('cookie', second.cookie).set('origin', PUBLIC_URL)).status).toBe(204);
  });

  it('accepts a configured CORS origin with credentials', async () => {
    const { cookie } = await signIn(POLICE);
    const res = await logout()
      .set('cookie', cookie)
      .set('sec-fetch-site', 'cross-site')
      .set('origin', 'https://partner.example');
    expect(res.status).toBe(204);
  });

  it("lets the Temporal UI's origin call the codec endpoint with the cookie, and nothing else", async () => {
    const { cookie } = await signIn(COORDINATOR);
    const decode = (origin: string) =>
      request(api.app)
        .post('/api/v1/codec/decode')
        .set('cookie', cookie)
        .set('origin', origin)
        .set('sec-fetch-site', 'same-site')
        .send({ payloads: [] });
    const fromUi = await decode(TEMPORAL_UI);
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers['access-control-allow-origin']).toBe(TEMPORAL_UI);
    expect(fromUi.headers['access-control-allow-credentials']).toBe('true');
    // Another port of the same host is not the Temporal UI.
    const other = await decode('http://127.0.0.1:9999');
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ message: 'Cross-site request refused' });
    // The UI's origin is trusted for the codec only: it cannot sign the coordinator out.
    const out = await logout().set('cookie', cookie).set('origin', TEMPORAL_UI).set('sec-fetch-site', 'same-site');
    expect(out.status).toBe(403);
  });

  it('leaves bearer-token requests unchanged, whatever their Origin', async () => {
    const { token } = await signIn(POLICE);
    const res = await logout()
      .set('authorization', `Bearer ${token}`)
      .set('origin', 'https://evil.example')
      .set('sec-fetch-site', 'cross-site');
    expect(res.status).toBe(204);
  });

  it('refuses a cross-site sign-in (login CSRF) but lets an API client without browser headers sign in', async () => {
    const res = await request(api.app)
      .post('/api/v1/auth/login')
      .set('origin', TEMPORAL_UI)
      .set('sec-fetch-site', 'same-site')
      .send({ email: POLICE, password: DEMO_PASSWORD });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    await signIn(POLICE);
  });
});

describe('the development mail viewer', () => {
  it('is only for signed-in administrators: 401 without a session, 403 for other roles, 200 for an administrator', async () => {
    expect((await request(api.app).get('/api/v1/dev/mail')).status).toBe(401);
    expect((await request(api.app).get('/api/v1/dev/mail/0001')).status).toBe(401);
    const police = await signIn(POLICE);
    const refused = await request(api.app).get('/api/v1/dev/mail').set('authorization', `Bearer ${police.token}`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('新任务');
    const admin = await signIn(ADMIN);
    const list = await request(api.app).get('/api/v1/dev/mail').set('cookie', admin.cookie);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: '0001', subject: '新任务' }] });
    // A browser gets pages: the list links each message, the message shows its text, escaped.
    const html = await request(api.app).get('/api/v1/dev/mail').set('cookie', admin.cookie).set('accept', 'text/html');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('<a href="mail/0001">新任务</a>');
    const one = await request(api.app)
      .get('/api/v1/dev/mail/0001')
      .set('cookie', admin.cookie)
      .set('accept', 'text/html');
    expect(one.text).toContain('<pre>hello</pre>');
    expect(
      (
        await request(api.app)
          .get('/api/v1/dev/mail')
          .set('authorization', `Bearer ${police.token}`)
          .set('accept', 'text/html')
      ).status,
    ).toBe(403);
  });

  it('is mounted only in development with a sink folder', () => {
    expect(devMailEnabled({ NODE_ENV: 'development', MAIL_SINK_DIR: '/tmp/mail' })).toBe(true);
    expect(devMailEnabled({ NODE_ENV: 'production', MAIL_SINK_DIR: '/tmp/mail' })).toBe(false);
    expect(devMailEnabled({ NODE_ENV: 'test', MAIL_SINK_DIR: '/tmp/mail' })).toBe(false);
    expect(devMailEnabled({ NODE_ENV: 'development', MAIL_SINK_DIR: undefined })).toBe(false);
  });
});
