/**
 * /readyz follows the real dependencies: stopping FerretDB or Temporal turns it into 503 naming the one that is
 * down, and it comes back to 200 when that server returns. This file runs its own servers, since it stops them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createLogger } from '../../common/logger';
import { createTemporalClient, temporalReachable } from '../../common/temporal';
import { databaseReachable, openDatabase } from '../../common/db';
import { startFerretDb, type FerretDb } from '../../scripts/services/ferretdb';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/services/temporal-dev-server';
import { freePort } from '../../scripts/services/ports';
import { testConfig } from '../helpers/config';
import { eventually } from '../helpers/eventually';

jest.setTimeout(120_000); // stops and restarts real servers to see readiness follow them

describe('readiness', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-readyz-'));
  const logDir = path.join(workDir, 'logs');
  let temporalPort: number;
  let ferretPort: number;
  let temporal: TemporalDevServer | undefined;
  let ferret: FerretDb | undefined;
  let app: ReturnType<typeof createApp>;
  let closeDb: () => Promise<void>;
  let closeTemporal: () => Promise<void>;

  beforeAll(async () => {
    [temporalPort, ferretPort] = await Promise.all([freePort(), freePort()]);
    [temporal, ferret] = await Promise.all([
      startTemporalDevServer({ logDir, headless: true, port: temporalPort }),
      startFerretDb({ dataDir: path.join(workDir, 'db'), logDir, port: ferretPort }),
    ]);
    const config = testConfig({ TEMPORAL_ADDRESS: temporal.address, MONGODB_URI: `${ferret.uri}readyz` });
    const logger = createLogger({ level: 'silent', name: 'test' });
    const client = createTemporalClient(config);
    const db = openDatabase(config.MONGODB_URI, logger);
    await db.ready;
    closeDb = db.close;
    closeTemporal = () => client.connection.close();
    app = createApp({
      config,
      logger,
      readiness: {
        temporal: () => temporalReachable(client.connection),
        database: () => databaseReachable(db.connection),
      },
    });
  });

  afterAll(async () => {
    await closeDb?.();
    await closeTemporal?.();
    await Promise.allSettled([temporal?.stop(), ferret?.stop()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('is alive and ready while both servers run', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await eventually(async () => {
      const res = await request(app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ready', unavailable: [] });
    });
  });

  it('answers 503 naming the database while FerretDB is stopped, and 200 once it is back', async () => {
    await ferret!.stop();
    await eventually(async () => {
      const res = await request(app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ unavailable: ['database'], checks: { temporal: 'up', database: 'down' } });
    });
    await request(app).get('/healthz').expect(200);
    ferret = await startFerretDb({ dataDir: path.join(workDir, 'db'), logDir, port: ferretPort });
    await eventually(async () => {
      expect((await request(app).get('/readyz')).status).toBe(200);
    });
  });

  it('answers 503 naming Temporal while the dev server is stopped, and 200 once it is back', async () => {
    await temporal!.stop();
    await eventually(async () => {
      const res = await request(app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ unavailable: ['temporal'], checks: { temporal: 'down', database: 'up' } });
    });
    temporal = await startTemporalDevServer({ logDir, headless: true, port: temporalPort });
    await eventually(async () => {
      expect((await request(app).get('/readyz')).status).toBe(200);
    });
  });
});
