/**
 * `npm start`: the whole of ChildSafe on one machine with embedded defaults. Starts the Temporal dev server (SQLite
 * under data/, Web UI), FerretDB (SQLite under data/), an SMTP sink that keeps mail under data/mail, seeds the
 * agency directory and demo accounts, then one worker and the API. Prints the addresses and the demo accounts.
 * The worker and the API are supervised: one that exits is restarted with backoff (1 s doubling to 30 s) and the exit is
 * reported with the end of its log. Only Ctrl-C stops everything; the next `npm start` finds the same data.
 *
 * Any of TEMPORAL_ADDRESS, MONGODB_URI or SMTP_URL set in the environment is used instead of the embedded server.
 * CHILDSAFE_DATA_DIR moves the data folder; TEMPORAL_PORT, TEMPORAL_UI_PORT, FERRETDB_PORT, SMTP_PORT and API_PORT
 * choose the ports (each falls back to a free one when taken).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTemporalDevServer } from './services/temporal-dev-server';
import { startFerretDb } from './services/ferretdb';
import { startSmtpSink } from './services/smtp-sink';
import { startProcess, tail, type ManagedProcess } from './services/child-process';
import { freePort, waitForPort } from './services/ports';
import { projectRoot, typescriptCommand, workerCommand } from './services/tools';
import { ensurePrivateDir, PRIVATE_DIR_MODE } from './services/private-files';
import { DEMO_ACCOUNTS_BANNER } from './demo-accounts';

const dataDir = path.resolve(process.env.CHILDSAFE_DATA_DIR ?? path.join(projectRoot, 'data'));
const logDir = path.join(dataDir, 'logs');

/** Secrets generated once for this machine's data; production passes its own through the environment. */
function localSecrets(): Record<string, string> {
  const file = path.join(dataDir, 'secrets.json');
  if (!fs.existsSync(file)) {
    const secrets = {
      PAYLOAD_KEYS: `local1:${randomBytes(32).toString('base64')}`,
      CHILD_DATA_KEY: randomBytes(32).toString('base64'),
      AUTH_TOKEN_SECRET: randomBytes(32).toString('base64'),
    };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
}

/** The preferred port when it is free, otherwise any free one (so a second stack or a busy port never blocks us). */
async function portOr(preferred: number): Promise<number> {
  const net = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  // Children's data at rest: everything this stack writes is readable by its owner only (scripts/services/private-files.ts).
  process.umask(0o077);
  ensurePrivateDir(dataDir);
  fs.mkdirSync(logDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const stoppers: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\n正在停止 Stopping ChildSafe…');
    for (const s of stoppers.reverse()) {
      await s.stop().catch(() => undefined);
      say(`  ✓ ${s.name}`);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...localSecrets(),
      NODE_ENV: process.env.NODE_ENV ?? 'development',
    };

    const apiPort = Number(env.API_PORT ?? (await portOr(3000)));
    env.API_PORT = String(apiPort);
    env.PUBLIC_URL ??= `http://127.0.0.1:${apiPort}`;

    if (!env.TEMPORAL_ADDRESS) {
      say('启动 Temporal 开发服务器 Starting the Temporal dev server…');
      const temporal = await startTemporalDevServer({
        logDir,
        dbFile: path.join(dataDir, 'temporal.db'),
        port: await portOr(Number(process.env.TEMPORAL_PORT ?? 7233)),
        uiPort: await portOr(Number(process.env.TEMPORAL_UI_PORT ?? 8233)),
        codecEndpoint: `${env.PUBLIC_URL}/api/v1/codec`,
      });
      stoppers.push({ name: 'Temporal', stop: temporal.stop });
      env.TEMPORAL_ADDRESS = temporal.address;
      env.TEMPORAL_UI_URL = temporal.uiUrl;
    }
    if (!env.MONGODB_URI) {
      say('启动 FerretDB Starting FerretDB (SQLite)…');
      const ferret = await startFerretDb({
        dataDir: path.join(dataDir, 'ferretdb'),
        logDir,
        port: await portOr(Number(process.env.FERRETDB_PORT ?? 27017)),
      });
      stoppers.push({ name: 'FerretDB', stop: ferret.stop });
      env.MONGODB_URI = `${ferret.uri}childsafe`;
    }
    if (!env.SMTP_URL) {
      const sink = await startSmtpSink({
        dir: path.join(dataDir, 'mail'),
        port: await portOr(Number(process.env.SMTP_PORT ?? 2525)),
      });
      stoppers.push({ name: 'SMTP sink', stop: sink.stop });
      env.SMTP_URL = sink.url;
      env.MAIL_SINK_DIR = sink.dir;
    }
    say('初始化数据 Seeding the agency directory and demo accounts…');
    await runToEnd('seed', typescriptCommand(path.join(projectRoot, 'scripts', 'seed.ts')), env);

    // The worker and the API are supervised: one that exits for any reason (a crash, the heap exhausted, killed) is
    // started again with backoff and the exit is reported here with the end of its log; only Ctrl-C stops the stack.
    for (const [name, command] of [
      ['worker', workerCommand()],
      ['api', typescriptCommand(path.join(projectRoot, 'api', 'main.ts'))],
    ] as const) {
      const supervised = supervise(name, command, env, () => stopping);
      stoppers.push({ name, stop: supervised.stop });
    }
    await waitForPort(apiPort, 60_000);
    await waitForReady(`http://127.0.0.1:${apiPort}/readyz`, 120_000);

    say('');
    say('ChildSafe 儿童保护转介系统 is running 已启动');
    say(`  Web app 网页      ${env.PUBLIC_URL}/`);
    say(`  API               ${env.PUBLIC_URL}/api/v1  (OpenAPI: ${env.PUBLIC_URL}/api/openapi.json)`);
    say(`  Readiness 就绪     ${env.PUBLIC_URL}/readyz`);
    if (env.TEMPORAL_UI_URL) {
      say(`  Temporal UI       ${env.TEMPORAL_UI_URL}`);
      // The UI sends the coordinator's session cookie to the codec only when told to (README "Decoding in the Temporal UI").
      say(`  Codec 解码        ${env.PUBLIC_URL}/api/v1/codec`);
      say('                    (Temporal UI → Codec Server: "Use my browser setting", this endpoint,');
      say(
        '                     "Include cross-origin credentials"; signed in to the web app as a district coordinator)',
      );
    }
    if (env.MAIL_SINK_DIR) say(`  Mail 邮件         ${env.PUBLIC_URL}/api/v1/dev/mail (kept in ${env.MAIL_SINK_DIR})`);
    say(`  Data 数据         ${dataDir}`);
    say(`  Logs 日志         ${logDir}`);
    say('');
    say(DEMO_ACCOUNTS_BANNER);
    say('');
    say('按 Ctrl-C 停止 Press Ctrl-C to stop.');
  } catch (err) {
    say(`\n✗ ${(err as Error).message}`);
    await stopAll(1);
  }
}

const RESTART_BACKOFF_MS = { first: 1_000, max: 30_000 };
/** A process that ran this long before exiting counts as healthy again: its next restart waits the first delay. */
const HEALTHY_AFTER_MS = 60_000;

/**
 * Runs `command` as a child and starts it again whenever it exits while the stack is not stopping: after 1 s, then
 * doubling up to 30 s while it keeps failing. Its pid is kept in data/run/<name>.pid for operators (and the launcher
 * test, which kills the worker).
 */
function supervise(
  name: string,
  [command, ...args]: string[],
  env: NodeJS.ProcessEnv,
  stackStopping: () => boolean,
): { stop: () => Promise<void> } {
  const runDir = path.join(dataDir, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  const pidFile = path.join(runDir, `${name}.pid`);
  let current: ManagedProcess;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    const startedAt = Date.now();
    current = startProcess(name, command!, args, { logDir, env });
    fs.writeFileSync(pidFile, `${current.pid}\n`);
    const started = current;
    void started.exited.then((code) => {
      if (stopped || stackStopping()) return;
      if (Date.now() - startedAt >= HEALTHY_AFTER_MS) failures = 0;
      const delay = Math.min(RESTART_BACKOFF_MS.max, RESTART_BACKOFF_MS.first * 2 ** failures);
      failures += 1;
      const log = path.relative(projectRoot, started.logFile);
      say(`\n✗ ${name} 已退出 exited (code ${code}); 将在 ${delay / 1000} 秒后重启 restarting in ${delay / 1000}s.`);
      say(`  Last lines of ${log}:`);
      say(tail(started.logFile, 10));
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped || stackStopping()) return;
        run();
        say(`↻ ${name} 已重启 restarted (pid ${current.pid}, restart ${failures})`);
      }, delay);
    });
  };
  run();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current.stop(10_000);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

function runToEnd(name: string, [command, ...args]: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const proc = startProcess(name, command!, args, { logDir, env });
  return proc.exited.then((code) => {
    if (code !== 0) throw new Error(`${name} failed (code ${code}):\n${tail(proc.logFile)}`);
  });
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = await res.text();
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`ChildSafe did not become ready within ${timeoutMs / 1000}s: ${last}`);
}

void main();
