/** The MongoDB fixed-window rate limiter on the real store. */
import { randomUUID } from 'node:crypto';
import express from 'express';
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

jest.setTimeout(60_000); // routers on the real FerretDB and Temporal dev server: requests wait for workflows and their projections

let drop: () => Promise<void>;
beforeAll(async () => {
  drop = await connectTestDatabase('ratelimit');
  await RateLimitWindowModel.init();
});
afterAll(() => drop());

function limitedApp(store: RateLimitStore, now: () => Date, limit = 3) {
  const app = express();
  app.use(requestId);
  app.post(
    '/reports',
    rateLimit({ store, logger: pino({ level: 'silent' }), name: `t-${randomUUID()}`, limit, windowSeconds: 60, now }),
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

  it('lets requests through when the counter store is down, so a report is never refused for that', async () => {
    const down: RateLimitStore = {
      hit: async () => Promise.reject(Object.assign(new Error('down'), { name: 'MongoNetworkError' })),
    };
    const app = limitedApp(down, () => new Date(), 1);
    for (let i = 0; i < 3; i++) expect((await request(app).post('/reports')).status).toBe(202);
  });
});
