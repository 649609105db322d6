/**
 * `npm start`'s launcher (scripts/start.ts) run by a test on a data folder and ports of its own, with none of the
 * suite's servers in its environment, so it starts its embedded Temporal (with the Web UI), FerretDB and SMTP sink.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { freePort } from '../../scripts/services/ports';
import { projectRoot, typescriptCommand } from '../../scripts/services/tools';
import path from 'node:path';

export interface LauncherPorts {
  api: number;
  temporal: number;
  ui: number;
  ferret: number;
  smtp: number;
}

export async function freeLauncherPorts(): Promise<LauncherPorts> {
  return {
    api: await freePort(),
    temporal: await freePort(),
    ui: await freePort(),
    ferret: await freePort(),
    smtp: await freePort(),
  };
}

export interface Launched {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
  /** Resolves once it printed "Press Ctrl-C" (everything up, banner printed); rejects if it exits first. */
  ready: Promise<void>;
}

export function launch(dataDir: string, ports: LauncherPorts, readyTimeoutMs = 240_000): Launched {
  const env: NodeJS.ProcessEnv = { ...process.env, CHILDSAFE_DATA_DIR: dataDir, NODE_ENV: 'development' };
  // The suite's own servers must not be picked up: this launch runs its embedded ones.
  for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'MAIL_SINK_DIR', 'PUBLIC_URL', 'TEMPORAL_UI_URL'])
    delete env[name];
  Object.assign(env, {
    API_PORT: String(ports.api),
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    FERRETDB_PORT: String(ports.ferret),
    SMTP_PORT: String(ports.smtp),
  });
  // As `npm start` runs it (package.json): Node with tsx's loader, so Ctrl-C reaches the launcher itself.
  const [node, ...args] = typescriptCommand(path.join(projectRoot, 'scripts', 'start.ts'));
  const child = spawn(node, args, {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${out}`)), readyTimeoutMs);
    child.stdout!.on('data', () => {
      if (out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited early (code ${code}):\n${out}`));
    });
  });
  return { child, output: () => out, ready };
}

/** Ctrl-C, as a person stops it; resolves with its exit code. */
export async function stopLaunched(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

/** `git status --porcelain` of the checkout: what a run changed among tracked and unignored files. */
export function gitStatus(): string {
  return execFileSync('git', ['status', '--porcelain'], { cwd: projectRoot, encoding: 'utf8' });
}

/**
 * Signs the demo school in on a launched stack and files one report through its API, as the web app's report form
 * does; returns the response (202 with the receipt when it was accepted). `address` tells the test's reports apart.
 */
export async function fileSmokeReport(base: string, address: string, account: string): Promise<Response> {
  const signIn = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'school@changning.demo.childsafe.local', password: DEMO_PASSWORD }),
  });
  if (signIn.status !== 200) throw new Error(`demo school sign-in answered ${signIn.status}`);
  const { token } = (await signIn.json()) as { token: string };
  return fetch(`${base}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      policyPackId: 'cn-changning',
      concerns: ['missing'],
      discoveredAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      place: { streetCode: 'huayang', address },
      account,
      child: { sex: 'unknown', approximateAge: 8 },
      reporterUnit: { name: '长宁区演示小学', type: 'school' },
    }),
  });
}
