/**
 * ChildSafe as `npm start` runs it, inside the test process: the API built by createRouters and a worker with the
 * real activities (createWorkerActivities) and the payload codec, on the suite's Temporal dev server, a private
 * FerretDB database and the SMTP sink. Each test file gets its own task queue and database.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { NativeConnection } from '@temporalio/worker';
import type { Express } from 'express';
import { createApp } from '../../../api/app';
import { createRouters } from '../../../api/routers';
import { seedDemoUsers, DEMO_PASSWORD } from '../../../api/auth/demo-users';
import { createMailTransport } from '../../../common/mail';
import { createTemporalClient } from '../../../common/temporal';
import { ensureIndexes } from '../../../models';
import { seedDirectory } from '../../../models/seed/directory';
import { createUserRepository } from '../../../models/user';
import { createChildSafeWorker } from '../../../workers/worker';
import { testConfig } from '../../helpers/config';
import { testDatabaseUri } from '../../helpers/mongo';
export { eventually } from '../../helpers/eventually';
import { readSinkMessages, type SinkMessage } from '../../../scripts/services/smtp-sink';
import { residentIdCheckCharacter } from '../../../contracts/text';

export interface FullStack {
  app: Express;
  config: ReturnType<typeof testConfig>;
  client: ReturnType<typeof createTemporalClient>['client'];
  login(email: string): Promise<string>;
  /** Starts the in-process worker when the stack was started without one. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface FullStackOptions {
  worker?: boolean;
  chunkSize?: number;
  /** The relay the worker mails through (a test's own sink that refuses some addresses); the suite's sink if unset. */
  smtpUrl?: string;
}

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const config = testConfig({
    TEMPORAL_TASK_QUEUE: `childsafe-test-${randomUUID()}`,
    MONGODB_URI: testDatabaseUri('fullstack'),
    MAIL_SINK_DIR: process.env.MAIL_SINK_DIR,
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
  });
  const logger = pino({ level: 'silent' });
  await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  await ensureIndexes();
  await seedDirectory();
  await seedDemoUsers(createUserRepository(), { environment: 'test' });

  const temporal = createTemporalClient(config);
  const transport = createMailTransport(config.SMTP_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  let worker: Awaited<ReturnType<typeof createChildSafeWorker>> | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createChildSafeWorker({ config, connection, client: temporal.client, transport });
    running = worker.run();
  };
  if (options.worker !== false) await startWorker();
  const app = createApp({
    config,
    logger,
    readiness: { temporal: async () => true, database: async () => true },
    routers: createRouters({
      config,
      logger,
      temporal: temporal.client,
      ...(options.chunkSize ? { screeningChunkSize: options.chunkSize } : {}),
    }),
  });
  const tokens = new Map<string, string>();
  return {
    app,
    config,
    client: temporal.client,
    async login(email) {
      // One real sign-in per account per file: the login route allows 10 a minute from one address, and a file's
      // tests all come from 127.0.0.1.
      const known = tokens.get(email);
      if (known) return known;
      const res = await request(app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200);
      tokens.set(email, res.body.token as string);
      return res.body.token as string;
    },
    startWorker,
    async stop() {
      worker?.shutdown();
      await running;
      transport.close();
      await connection.close();
      await temporal.connection.close();
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
    },
  };
}

/** Mail the sink received for `address` about one task (its link carries the task id). */
export function mailTo(address: string, taskId: string): SinkMessage[] {
  const link = `/tasks/${encodeURIComponent(taskId)}`;
  return readSinkMessages(process.env.MAIL_SINK_DIR!).filter((m) => m.to.includes(address) && m.text.includes(link));
}

export const CHANGNING = {
  reporter: 'school@changning.demo.childsafe.local',
  hospitalReporter: 'hospital@changning.demo.childsafe.local',
  police: 'police.huayang@changning.demo.childsafe.local',
  coordinator: 'civil-affairs@changning.demo.childsafe.local',
};
export const FENGTAI_POLICE = 'police.youanmen@fengtai.demo.childsafe.local';

export function reportBody(overrides: { idNumber?: string; name?: string; discoveredMinutesAgo?: number } = {}) {
  return {
    policyPackId: 'cn-changning',
    concerns: ['living_alone'],
    discoveredAt: new Date(Date.now() - (overrides.discoveredMinutesAgo ?? 20) * 60_000).toISOString(),
    place: { streetCode: 'huayang', address: '长宁区华阳路某小区 3 号楼' },
    account: '孩子独自在家三天，邻居说父母外出打工。',
    child: {
      name: overrides.name ?? '王小红',
      sex: 'female',
      idNumber: overrides.idNumber ?? randomIdNumber(),
      school: '长宁区演示小学',
    },
    reporterUnit: { name: '长宁区演示小学', type: 'school' },
  };
}

/** A valid (GB 11643 check digit), unique 18-character ID number for a child born in May 2016 in Changning. */
export function randomIdNumber(): string {
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const serial = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `310105201605${day}${serial}`;
  return first17 + residentIdCheckCharacter(first17);
}
