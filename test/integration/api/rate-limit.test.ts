/** The fixed-window rate limiter on the real store (MongoDB API over FerretDB): both ways of deciding. */
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
  decide: 'after-store' | 'at-once' = 'at-once',
  signedInAs?: string,
  name = `t-${randomUUID()}`,
) {
  const app = express();
  const limiter = rateLimit({ store, logger: pino({ level: 'silent' }), name, limit, windowSeconds: 60, now, decide });
  app.use(requestId);
  app.use((req, _res, next) => {
    if (signedInAs)
      req.actor = { userId: signedInAs, role: 'mandated_reporter', agencyCode: 'x', jurisdiction: {} } as never;
    next();
  });
  app.post('/reports', limiter, (_req, res) => {
    res.status(202).json({ accepted: true });
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  return Object.assign(app, { limiter });
}

describe('rate limiting', () => {
  it.each(['after-store', 'at-once'] as const)(
    '%s: lets `limit` requests through in a window, then answers 429 with the seconds until the next window',
    async (decide) => {
      let now = new Date('2026-11-23T08:00:15Z');
      const app = limitedApp(createMongoRateLimitStore(), () => now, 3, decide);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(app).post('/reports')).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      const refused = await request(app).post('/reports');
      expect(refused.headers['retry-after']).toBe('45');
      expect(refused.body).toMatchObject({ error: 'RATE_LIMITED', details: { retryAfterSeconds: 45 } });

      now = new Date('2026-11-23T08:01:00Z');
      expect((await request(app).post('/reports')).status).toBe(202);
      await app.limiter.settled();
    },
  );

  const down: RateLimitStore = {
    hit: async () => Promise.reject(Object.assign(new Error('down'), { name: 'MongoNetworkError' })),
  };

  it('at once (signed-in filing): never refuses for a store error; with the counter store down the process still counts', async () => {
    const app = limitedApp(down, () => new Date('2026-11-23T08:00:15Z'), 2, 'at-once', 'user-1');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(app).post('/reports')).status);
    // No 503: the store error refuses nothing; the third is past this process's own count of the limit.
    expect(statuses).toEqual([202, 202, 429]);
    await app.limiter.settled();
  });

  it('after the store (anonymous routes): fails closed (503) when the counter store is down', async () => {
    const app = limitedApp(down, () => new Date(), 1, 'after-store');
    const res = await request(app).post('/reports');
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('keys a signed-in client on the user, whatever address it comes from', async () => {
    const now = () => new Date('2026-11-23T08:00:15Z');
    const store = createMongoRateLimitStore();
    const alice = limitedApp(store, now, 2, 'at-once', `alice-${randomUUID()}`);
    expect((await request(alice).post('/reports')).status).toBe(202);
    expect((await request(alice).post('/reports')).status).toBe(202);
    expect((await request(alice).post('/reports')).status).toBe(429);
    await alice.limiter.settled();
  });

  it('at once: admits exactly `limit` of a burst in one process before the store has answered, and stores every hit', async () => {
    const now = () => new Date('2026-11-23T08:00:15Z');
    const user = `burst-${randomUUID()}`;
    const name = `t-${randomUUID()}`;
    const app = limitedApp(createMongoRateLimitStore(), now, 5, 'at-once', user, name);
    const answers = await Promise.all(Array.from({ length: 12 }, () => request(app).post('/reports')));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
    await app.limiter.settled();
    const stored = await RateLimitWindowModel.findById(`${name}:user:${user}:${Date.parse('2026-11-23T08:00:00Z')}`);
    expect(stored?.count).toBe(12);
  });

  it('at once: a client alternating between two API processes is stopped once the shared count reaches the limit, past it by one request (one per other process)', async () => {
    const now = () => new Date('2026-11-23T08:00:15Z');
    const user = `two-${randomUUID()}`;
    const name = `t-${randomUUID()}`;
    const store = createMongoRateLimitStore();
    // Two processes: two limiters with their own memory, one shared counter.
    const processes = [
      limitedApp(store, now, 4, 'at-once', user, name),
      limitedApp(store, now, 4, 'at-once', user, name),
    ];
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const app = processes[i % 2]!;
      statuses.push((await request(app).post('/reports')).status);
      // The client's next request comes after this one's counter write landed (the store answered this process).
      await app.limiter.settled();
    }
    // Each process learns the other's hits from its own write's answer, one request late: 5 of 8 through for a
    // limit of 4, then every request refused by both.
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    const stored = await RateLimitWindowModel.findById(`${name}:user:${user}:${Date.parse('2026-11-23T08:00:00Z')}`);
    expect(stored?.count).toBe(8);
  });
});

describe('rate-limit buckets and proxies (sign-in through createApp)', () => {
  // A fixed clock: on the real one a run crossing a minute boundary started a new window half-way (seen once).
  const now = () => new Date('2026-11-23T08:00:30Z');
  const login = (app: Express, forwardedFor: string) =>
    request(app)
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', forwardedFor)
      .send({ email: `nobody-${randomUUID()}@example.test`, password: 'wrong' });

  it('ignores a spoofed X-Forwarded-For from an address that is not a configured proxy: same bucket', async () => {
    const { app } = createTestApi({ loginRateLimit: { limit: 2, windowSeconds: 60, now } });
    const statuses = [];
    for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
      statuses.push((await login(app, spoofed)).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('believes X-Forwarded-For from a proxy listed in TRUSTED_PROXIES: one bucket per client behind it', async () => {
    const { app } = createTestApi({
      loginRateLimit: { limit: 2, windowSeconds: 60, now },
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
