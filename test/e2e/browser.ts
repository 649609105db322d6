/**
 * Browser tests drive Debian's Chromium through playwright-core (no downloaded browser: the machines are offline).
 * Screenshots go to test-results/screenshots/, which git ignores. The web app must be built first: ensureWebBuilt()
 * builds it when web/dist is missing or older than its sources (npm test builds it in pretest anyway).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { eventually } from '../helpers/eventually';

const ROOT = path.resolve(__dirname, '..', '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');

/** Users are in China: Chinese browser locale (date pickers, number formats) and China time. */
const CHINA: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
/** A phone held upright (390 × 844 CSS pixels, the width the app is designed for). */
export const PHONE: BrowserContextOptions = {
  ...CHINA,
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const DESKTOP: BrowserContextOptions = { ...CHINA, viewport: { width: 1280, height: 900 } };

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: run \`npm run pretest\` (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** Saves a full-page PNG as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Builds the web app (`vite build web`) unless web/dist is newer than every source file. */
export function ensureWebBuilt(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.mts'].map((f) => path.join(ROOT, 'web', f));
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built > Math.max(...sources.map(newestMtime))) return;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
}

/** Listens on a free loopback port; returns the base URL and a closer. */
export async function listen(app: Express): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err?: Error) => {
      if (err) return reject(err);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.on('error', reject);
  });
}

/**
 * Waits until a report's card under 我的报告 shows `status` (the plain-words status the reporter reads), reloading
 * the page between looks; the card stays the same locator across reloads.
 */
export async function waitForReportStatus(page: Page, card: Locator, status: string, timeoutMs: number): Promise<void> {
  await eventually(async () => {
    await card.waitFor();
    const shown = ((await card.locator('.status').textContent()) ?? '').trim();
    if (shown !== status) {
      await page.reload();
      throw new Error(`status ${shown}`);
    }
  }, timeoutMs);
}

/**
 * The elements that stick out of a phone held upright (right edge past 390 CSS pixels), widest first: tag, test id or
 * class, right edge, so an offending layout is found from the test output alone. Empty when the page fits.
 */
export async function overflowingElements(page: Page, width = 390): Promise<string[]> {
  // A string, evaluated in the page: the test code is compiled without the DOM's types.
  return page.evaluate(`[...document.body.querySelectorAll('*')]
    .map((el) => ({ el, right: Math.round(el.getBoundingClientRect().right + window.scrollX) }))
    .filter(({ right }) => right > ${width})
    .sort((a, b) => b.right - a.right)
    .slice(0, 8)
    .map(({ el, right }) => {
      const name = el.dataset.testid || el.dataset.section || (typeof el.className === 'string' ? el.className : '');
      return el.tagName.toLowerCase() + (name ? '[' + name + ']' : '') + ' → ' + right + 'px';
    })`);
}

/** Nothing on the page sticks out of a 390-pixel screen; on failure the message names what does. */
export async function expectFitsPhone(page: Page): Promise<void> {
  expect(await overflowingElements(page)).toEqual([]);
}
