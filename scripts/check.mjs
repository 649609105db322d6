#!/usr/bin/env node
// The static checks (`npm run check`, run by CI): the type checks of the server and the web app (each with the
// floating-promise rule on its type checker: scripts/typecheck.ts), ESLint with zero warnings, Prettier. They are
// independent, so they run in two lanes side by side (the machine has two cores): the server's type check, the
// longest, alone in one; each step's output is printed when it ends, and the run fails if any step fails.
// Each tool keeps its cache in node_modules/.cache/childsafe (git-ignored; a fresh clone, as in CI, starts without):
// the type check's incremental build info follows every dependency, Prettier's and ESLint's caches are keyed on file
// content.
import { spawn } from 'node:child_process';

const CACHE = 'node_modules/.cache/childsafe';

const typecheck = (project, tsconfig) => [
  `typecheck (${project})`,
  'tsx',
  ['scripts/typecheck.ts', tsconfig, `${CACHE}/typecheck-${project}.tsbuildinfo`],
];

const lanes = [
  [typecheck('server', 'tsconfig.json')],
  [
    typecheck('web', 'web/tsconfig.json'),
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
