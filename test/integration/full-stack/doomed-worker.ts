/**
 * A real worker process that kills itself part-way (a fixture under test/integration/fixtures/ wiring the worker as
 * workers/main.ts does, with a hook that SIGKILLs it and writes a marker file), run against a full stack's servers,
 * for the crash tests: the stack's configuration is passed as the environment the worker reads.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../../scripts/services/tools';
import type { FullStack } from './harness';

export interface DoomedWorker {
  /** The file the worker writes just before it kills itself. */
  marker: string;
  /** 'killed' once it died by SIGKILL (tsx passes that on as exit 137), else how it ended; rejects after `ms`. */
  ended(ms: number): Promise<string>;
}

export function startDoomedWorker(stack: FullStack, fixture: string, env: NodeJS.ProcessEnv = {}): DoomedWorker {
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-crash-')), 'crashed');
  const c = stack.config;
  const child = spawn(
    path.join(projectRoot, 'node_modules', '.bin', 'tsx'),
    [path.join(projectRoot, 'test', 'integration', 'fixtures', fixture)],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: c.TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: c.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: c.TEMPORAL_TASK_QUEUE,
        MONGODB_URI: c.MONGODB_URI,
        SMTP_URL: c.SMTP_URL,
        PUBLIC_URL: c.PUBLIC_URL,
        PAYLOAD_KEYS: Object.entries(c.PAYLOAD_KEYS)
          .map(([id, key]) => `${id}:${key}`)
          .join(','),
        PAYLOAD_KEY_ID: c.PAYLOAD_KEY_ID,
        CHILD_DATA_KEY: c.CHILD_DATA_KEY,
        AUTH_TOKEN_SECRET: c.AUTH_TOKEN_SECRET,
        CRASH_MARKER: marker,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal === 'SIGKILL' || code === 137 ? 'killed' : `exit ${code}`)),
  );
  return {
    marker,
    async ended(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          exited,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`worker never crashed:\n${output}`)), ms);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        child.stdout!.destroy();
        child.stderr!.destroy();
      }
    },
  };
}
