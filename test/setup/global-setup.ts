/**
 * Starts the real servers the suite runs against, each on a free loopback port, and hands their addresses to the
 * test files through environment variables (Jest's workers inherit this process's environment):
 *   TEMPORAL_ADDRESS          an in-memory Temporal dev server
 *   TEMPORAL_TEST_SERVER_PATH the time-skipping test server binary (each workflow test file starts its own)
 *   MONGODB_URI               FerretDB on a temporary SQLite folder, unless MONGODB_URI is already set
 *   SMTP_URL, MAIL_SINK_DIR   the SMTP sink and the folder it writes delivered mail to
 * global-teardown.ts stops them all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServer } from '../../scripts/services/temporal-dev-server';
import { startFerretDb } from '../../scripts/services/ferretdb';
import { startSmtpSink } from '../../scripts/services/smtp-sink';
import { temporalTestServerPath } from '../../scripts/services/tools';

export interface TestStack {
  workDir: string;
  stop(): Promise<void>;
}

declare global {
  var __CHILDSAFE_TEST_STACK__: TestStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-test-'));
  const logDir = path.join(workDir, 'logs');
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.allSettled(stoppers.reverse().map((s) => s()));
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    process.env.TEMPORAL_TEST_SERVER_PATH = temporalTestServerPath();
    const starting = [
      startTemporalDevServer({ logDir, headless: true }),
      process.env.MONGODB_URI ? undefined : startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir }),
      startSmtpSink({ dir: path.join(workDir, 'mail') }),
    ] as const;
    // Whatever starts is stopped again, even if another server fails or the whole start takes too long.
    for (const server of starting)
      void server?.then(
        (s) => stoppers.push(s.stop),
        () => undefined,
      );
    let timer: NodeJS.Timeout | undefined;
    const [temporal, ferret, sink] = await Promise.race([
      Promise.all(starting),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`test servers did not start within 120 s (logs: ${logDir})`)),
          120_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    process.env.TEMPORAL_ADDRESS = temporal.address;
    process.env.TEMPORAL_NAMESPACE = temporal.namespace;
    if (ferret) process.env.MONGODB_URI = ferret.uri;
    process.env.SMTP_URL = sink.url;
    process.env.MAIL_SINK_DIR = sink.dir;
    process.env.CHILDSAFE_TEST_WORKDIR = workDir;
  } catch (err) {
    await stop();
    throw err;
  }
  globalThis.__CHILDSAFE_TEST_STACK__ = { workDir, stop };
}
