/**
 * A dependency that is down gives a 503 that names no internals, and nothing is half-written: a report filed while
 * Temporal cannot be reached is not recorded anywhere, and the same report filed once Temporal is back is accepted.
 */
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../api/app';
import { createRouters } from '../../../api/routers';
import { seedDemoUsers, DEMO_PASSWORD } from '../../../api/auth/demo-users';
import { createTemporalClient } from '../../../common/temporal';
import { ensureIndexes } from '../../../models';
import { AuditEventModel } from '../../../models/audit-event';
import { ReportModel } from '../../../models/report';
import { seedDirectory } from '../../../models/seed/directory';
import { createUserRepository } from '../../../models/user';
import { freePort } from '../../../scripts/services/ports';
import { testConfig } from '../../helpers/config';
import { testDatabaseUri } from '../../helpers/mongo';
import { CHANGNING, reportBody } from './harness';

const logger = pino({ level: 'silent' });
let closeClient: () => Promise<void>;

beforeAll(async () => {
  await mongoose.connect(testDatabaseUri('down'), { serverSelectionTimeoutMS: 10_000 });
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });
}, 60_000); // indexes, the directory and the demo users (scrypt hashes) on FerretDB: seconds on a busy machine
afterAll(async () => {
  await closeClient?.();
  await mongoose.connection.dropDatabase().catch(() => undefined);
  await mongoose.disconnect();
});

describe('filing while Temporal is unreachable', () => {
  it('answers 503 DEPENDENCY_UNAVAILABLE and records nothing', async () => {
    const config = testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    const temporal = createTemporalClient(config);
    closeClient = () => temporal.connection.close();
    const app = createApp({
      config,
      logger,
      readiness: { temporal: async () => false, database: async () => true },
      routers: createRouters({ config, logger, temporal: temporal.client }),
    });
    const login = await request(app)
      .post('/api/v1/auth/login')
      .send({ email: CHANGNING.reporter, password: DEMO_PASSWORD })
      .expect(200);
    const auditBefore = await AuditEventModel.countDocuments({ action: 'report.filed' });

    const started = performance.now();
    const res = await request(app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${login.body.token}`)
      .set('idempotency-key', 'temporal-down-0001')
      .send(reportBody());
    const tookMs = performance.now() - started;

    expect(res.status).toBe(503);
    // The answer comes fast: the client gives up on an unreachable Temporal after a bounded retry (about half a second).
    expect(tookMs).toBeLessThan(3000);
    expect(res.body).toMatchObject({ error: 'DEPENDENCY_UNAVAILABLE', requestId: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|grpc|ECONNREFUSED/i);
    expect(await ReportModel.countDocuments({})).toBe(0);
    expect(await AuditEventModel.countDocuments({ action: 'report.filed' })).toBe(auditBefore);
  });
});
