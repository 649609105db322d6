/**
 * The web app's shell in a real browser, against a stub of the two API routes it needs before anything is filed
 * (sign-in and the district policies): everything else answers the API's JSON 404. The full-stack journeys
 * (report → police task → coordinator's case page) run against the real API in their own files.
 */
import express, { type Request } from 'express';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { securityHeaders } from '../../api/middleware/security-headers';
import { serveWebApp } from '../../api/web';
import { DESKTOP, PHONE, ensureWebBuilt, launchBrowser, listen, screenshot } from './browser';

jest.setTimeout(90_000); // Chromium clicks through the web app on the whole stack

const reporter = {
  id: 'u-reporter-1',
  email: 'teacher@school.example',
  displayName: '王老师',
  role: 'mandated_reporter',
  agencyCode: 'school-310105-001',
  jurisdiction: { districtCode: '310105', streetCode: '310105002' },
};

const policies = [
  {
    id: 'cn-changning',
    version: '2017.1',
    district: { code: '310105', name: { zh: '长宁区', en: 'Changning District' } },
    concernTypes: [
      {
        code: 'living_alone',
        label: { zh: '脱离监护单独居住生活', en: 'Living alone out of guardianship' },
        clause: 'CN 四(一)',
      },
      { code: 'missing', label: { zh: '失踪', en: 'Missing or out of contact' }, clause: 'CN 四(一)' },
      {
        code: 'domestic_violence',
        label: { zh: '疑似遭受家庭暴力', en: 'Suspected domestic violence' },
        clause: 'CN 四(一)',
      },
    ],
  },
];

/** Every /api request the stub server saw, as "METHOD /path". */
const apiRequests: string[] = [];
/** Console errors from every page (a CSP refusal or a crash shows up here). */
const consoleErrors: string[] = [];
let server: { url: string; close(): Promise<void> };
let browser: Browser;

/** A page whose console errors are collected; expected API 4xx answers are not errors of the app. */
async function openPage(options: BrowserContextOptions): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) consoleErrors.push(msg.text());
  });
  return { page, context };
}

beforeAll(async () => {
  ensureWebBuilt();
  const app = express();
  // The API's own headers, Content-Security-Policy included: the app must run under them.
  app.use(securityHeaders([]));
  app.use(express.json());
  app.use((req: Request, _res, next) => {
    if (req.path.startsWith('/api/')) apiRequests.push(`${req.method} ${req.path}`);
    next();
  });
  app.post('/api/v1/auth/login', (req, res) => {
    if (req.body?.email !== reporter.email || req.body?.password !== 'correct horse') {
      res
        .status(401)
        .json({ error: 'UNAUTHENTICATED', message: 'Wrong email or password', details: null, requestId: 'r-1' });
      return;
    }
    res.cookie('childsafe_session', 'stub', { httpOnly: true, sameSite: 'strict' });
    res.json({ token: 'stub-token', user: reporter });
  });
  app.get('/api/v1/policies', (_req, res) => {
    res.json(policies);
  });
  serveWebApp(app);
  app.use((req, res) => {
    res
      .status(404)
      .json({ error: 'NOT_FOUND', message: `No route ${req.method} ${req.path}`, details: null, requestId: 'r-404' });
  });
  server = await listen(app);
  browser = await launchBrowser();
});

afterEach(() => {
  expect(consoleErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel('电子邮箱').fill(reporter.email);
  await page.getByLabel('密码').fill('correct horse');
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/report`);
  await page.getByRole('heading', { level: 1, name: '填写强制报告' }).waitFor();
}

describe('the web app', () => {
  test('shows the sign-in page in Chinese first, switches to English, and keeps English after a reload', async () => {
    const { page, context } = await openPage(DESKTOP);
    await page.goto(`${server.url}/inbox`);
    await page.waitForURL(/\/login\?next=%2Finbox$/);

    await expectText(page, 'h1', '登录');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByLabel('电子邮箱').waitFor();
    await screenshot(page, 'login-zh');

    await page.getByRole('button', { name: 'English' }).click();
    await expectText(page, 'h1', 'Sign in');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByLabel('Email').waitFor();

    await page.reload();
    await expectText(page, 'h1', 'Sign in');
    await screenshot(page, 'login-en');
    await context.close();
  });

  test('refuses a wrong password with a message and stays on the sign-in page', async () => {
    const { page, context } = await openPage(PHONE);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('电子邮箱').fill(reporter.email);
    await page.getByLabel('密码').fill('wrong');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('alert').getByText('邮箱或密码不正确。').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  test('on a phone, keeps a report whose account of what was seen is empty, shows the message beside that field, and sends nothing', async () => {
    const { page, context } = await openPage(PHONE);
    const reportPostsSeenByBrowser: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports')) reportPostsSeenByBrowser.push(`${r.method()} ${r.url()}`);
    });
    await signIn(page);

    await page.getByLabel('脱离监护单独居住生活').check();
    await page.getByLabel('发现时间').fill('2026-11-20T08:30');
    await page.getByLabel('发现地点').fill('长宁区天山路 100 弄 5 号');
    await page.getByLabel('单位名称').fill('天山路小学');
    await page.getByLabel('单位类型').selectOption('school');
    await page.getByRole('button', { name: '提交报告' }).click();

    const message = page.locator('#f-account-error');
    await message.waitFor();
    expect((await message.textContent())?.trim()).toBe('请描述您看到或了解到的情况。');
    // The message sits in the same field block as the textarea and is announced with it.
    const field = page.locator('.field', { has: page.locator('#f-account') });
    expect(await field.locator('#f-account-error').count()).toBe(1);
    expect(await page.getAttribute('#f-account', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#f-account', 'aria-describedby')).toContain('f-account-error');
    // Only that field is wrong, and the summary at the top names it.
    expect(await page.locator('.field-error').count()).toBe(1);
    await page.getByRole('alert').getByText('请描述您看到或了解到的情况。').waitFor();
    // Keyboard and screen-reader users are taken to the summary, whose entry links to the field.
    expect(await page.evaluate('document.activeElement.className')).toContain('error-summary');
    await page.getByRole('alert').getByRole('link').click();
    expect(await page.evaluate('document.activeElement.id')).toBe('f-account');

    // Nothing left the browser, and nothing reached the server.
    await page.waitForTimeout(300);
    expect(reportPostsSeenByBrowser).toEqual([]);
    expect(apiRequests.filter((r) => r.includes('/reports'))).toEqual([]);

    // The page fits the phone: no sideways scrolling.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'report-empty-account-phone');
    await context.close();
  });
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor();
  expect((await page.locator(selector).first().textContent())?.trim()).toBe(text);
}
