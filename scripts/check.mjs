#!/usr/bin/env node
// The static checks (`npm run check`, run by CI): the type checks of the server and the web app, ESLint with zero
// warnings, Prettier. They are independent, so they run in two lanes side by side (the machine has two cores); each
// step's output is printed when it ends, and the run fails if any step fails. Plain Node, no dependencies.
// Each tool keeps its cache in node_modules/.cache/childsafe (git-ignored; a fresh clone, as in CI, starts without):
// tsc's incremental build info follows every dependency, Prettier's and ESLint's caches are keyed on file content.
// ESLint's one type-aware rule (no-floating-promises) can miss a change in another file that makes a call return a
// promise until the calling file changes; CI, on a fresh clone, always checks everything.
import { spawn } from 'node:child_process';

const CACHE = 'node_modules/.cache/childsafe';

const lanes = [
  [
    [
      'typecheck (server)',
      'tsc',
      ['--noEmit', '--incremental', '--tsBuildInfoFile', `${CACHE}/tsc-server.tsbuildinfo`],
    ],
    [
      'typecheck (web)',
      'tsc',
      ['--noEmit', '-p', 'web', '--incremental', '--tsBuildInfoFile', `${CACHE}/tsc-web.tsbuildinfo`],
    ],
  ],
  [
    [
      'lint',
      'eslint',
      ['.', '--max-warnings', '0', '--cache', '--cache-strategy', 'content', '--cache-location', `${CACHE}/eslint`],
    ],
    [
      'format',
      'prettier',
      ['--check', '.', '--cache', '--cache-strategy', 'content', '--cache-location', `${CACHE}/prettier`],
    ],
  ],
];

function run([name, bin, args]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(`node_modules/.bin/${bin}`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => {
      output += `${err.message}\n`;
    });
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `\n> ${name}: ${bin} ${args.join(' ')} (${code === 0 ? 'ok' : `failed, exit ${code}`}, ${seconds} s)\n`,
      );
      if (output.trim()) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      resolve(code === 0);
    });
  });
}

async function runLane(steps) {
  let ok = true;
  for (const step of steps) ok = (await run(step)) && ok;
  return ok;
}

const results = await Promise.all(lanes.map(runLane));
process.exit(results.every(Boolean) ? 0 : 1);
