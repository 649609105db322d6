/** The MongoDB fixed-window rate limiter on the real store. */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler } from '../../../api/middleware/error-handler';
import { requestId } from '../../../api/middleware/request-id';
import {
  createMongoRateLimitStore,
  rateLimit,
  RateLimitWindowModel,
  type RateLimitStore,
} from '../../../api/http/rate-limit';
import { connectTestDatabase } from '../../helpers/mongo';
import { createTestApi } from './api-harness';

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

let drop: () => Promise<void>;
beforeAll(async () => {
  drop = await connectTestDatabase('ratelimit');
  await RateLimitWindowModel.init();
});
afterAll(() => drop());

function limitedApp(
  store: RateLimitStore,
  now: () => Date,
  limit = 3,
  onStoreError: 'refuse' | 'allow' = 'allow',
  signedInAs?: string,
) {
  const app = express();
  app.use(requestId);
  app.use((req, _res, next) => {
    if (signedInAs)
      req.actor = { userId: signedInAs, role: 'mandated_reporter', agencyCode: 'x', jurisdiction: {} } as never;
    next();
  });
  app.post(
    '/reports',
    rateLimit({
      store,
      logger: pino({ level: 'silent' }),
      name: `t-${randomUUID()}`,
      limit,
      windowSeconds: 60,
      now,
      onStoreError,
    }),
    (_req, res) => {
      res.status(202).json({ accepted: true });
    },
  );
  app.use(errorHandler(pino({ level: 'silent' })));
  return app;
}

describe('rate limiting', () => {
  it('lets `limit` requests through in a window, then answers 429 with the seconds until the next window', async () => {
    let now = new Date('2026-11-23T08:00:15Z');
    const app = limitedApp(createMongoRateLimitStore(), () => now);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app).post('/reports')).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const refused = await request(app).post('/reports');
    expect(refused.headers['retry-after']).toBe('45');
    expect(refused.body).toMatchObject({ error: 'RATE_LIMITED', details: { retryAfterSeconds: 45 } });

    now = new Date('2026-11-23T08:01:00Z');
    expect((await request(app).post('/reports')).status).toBe(202);
  });

  const down: RateLimitStore = {
    hit: async () => Promise.reject(Object.assign(new Error('down'), { name: 'MongoNetworkError' })),
  };

  it('fails open for signed-in filing when the counter store is down, so a report is never refused for that', async () => {
    const app = limitedApp(down, () => new Date(), 1, 'allow', 'user-1');
    for (let i = 0; i < 3; i++) expect((await request(app).post('/reports')).status).toBe(202);
  });

  it('fails closed (503) for an anonymous route when the counter store is down', async () => {
    const app = limitedApp(down, () => new Date(), 1, 'refuse');
    const res = await request(app).post('/reports');
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('keys a signed-in client on the user, whatever address it comes from', async () => {
    const now = () => new Date('2026-11-23T08:00:15Z');
    const store = createMongoRateLimitStore();
    const alice = limitedApp(store, now, 2, 'allow', `alice-${randomUUID()}`);
    expect((await request(alice).post('/reports')).status).toBe(202);
    expect((await request(alice).post('/reports')).status).toBe(202);
    expect((await request(alice).post('/reports')).status).toBe(429);
  });
});

describe('rate-limit buckets and proxies (sign-in through createApp)', () => {
  const login = (app: Express, forwardedFor: string) =>
    request(app)
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', forwardedFor)
      .send({ email: `nobody-${randomUUID()}@example.test`, password: 'wrong' });

  it('ignores a spoofed X-Forwarded-For from an address that is not a configured proxy: same bucket', async () => {
    const { app } = createTestApi({ loginRateLimit: { limit: 2, windowSeconds: 60 } });
    const statuses = [];
    for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push((await login(app, spoofed)).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('believes X-Forwarded-For from a proxy listed in TRUSTED_PROXIES: one bucket per client behind it', async () => {
    const { app } = createTestApi({
      loginRateLimit: { limit: 2, windowSeconds: 60 },
      config: { TRUSTED_PROXIES: '127.0.0.1, ::1, ::ffff:127.0.0.1' },
    });
    const statuses = [];
    for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      statuses.push((await login(app, client)).status);
    expect(statuses).toEqual([401, 401, 401]);
    expect((await login(app, '198.51.100.1')).status).toBe(401);
    expect((await login(app, '198.51.100.1')).status).toBe(429);
  });
});
