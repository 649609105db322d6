/**
 * The README's steps for reading a case's history in the Temporal UI ("Decoding in the Temporal UI"), followed in
 * Chromium against the stack `npm start` runs (scripts/start.ts, its embedded Temporal dev server and Web UI): the
 * launcher starts the UI with ChildSafe's codec endpoint (`--ui-codec-endpoint`) and prints it; a district coordinator
 * signs in to the web app, opens the UI in the same browser, sets the Codec Server as the README says, and reads a
 * case workflow's input in clear. A browser that is not signed in, and another district's coordinator, follow the same
 * steps and see only ciphertext.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../api/auth/demo-users';
import { ENCRYPTED_ENCODING } from '../../common/codec';
import { eventually } from '../helpers/eventually';
import { fileSmokeReport, freeLauncherPorts, launch, stopLaunched, type Launched } from '../helpers/launcher';
import { DESKTOP, ensureWebBuilt, launchBrowser, screenshot } from './browser';

jest.setTimeout(420_000); // runs npm start's whole stack (Temporal, FerretDB, seed, worker, API) on a loaded machine

const COORDINATOR = 'civil-affairs@changning.demo.childsafe.local';
const OTHER_DISTRICT = 'civil-affairs@fengtai.demo.childsafe.local';

/** The address printed on the banner line that starts with `label`. */
function printed(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label));
  const url = line?.match(/https?:\/\/\S+/)?.[0];
  if (!url) throw new Error(`npm start printed no "${label}" address:\n${output}`);
  return url.replace(/\/$/, '');
}

describe('decoding a case in the Temporal UI, as the README says', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-codec-ui-'));
  let started: Launched | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  afterAll(async () => {
    await browser?.close();
    if (started) await stopLaunched(started.child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a case workflow input in clear to a signed-in coordinator of its district, and ciphertext to a signed-out browser and another district', async () => {
    ensureWebBuilt();
    started = launch(dataDir, await freeLauncherPorts());
    await started.ready;
    const out = started.output();
    const webApp = printed(out, 'Web app');
    const temporalUi = printed(out, 'Temporal UI');
    const codecEndpoint = printed(out, 'Codec');
    expect(codecEndpoint).toBe(`${webApp}/api/v1/codec`);

    // A case to look at: a report filed by the demo school (as the web app's report form does, through the API).
    const filed = await fileSmokeReport(webApp, '华阳路 Temporal UI 解码测试', 'codec test');
    expect(filed.status).toBe(202);
    // This launch runs its own Temporal server: the only case workflow on it is this report's.
    const caseId = await eventually(async () => {
      const query = encodeURIComponent(`WorkflowType = 'caseWorkflow'`);
      const res = await fetch(`${temporalUi}/api/v1/namespaces/default/workflows?query=${query}`);
      const listed = (await res.json()) as { executions?: { execution: { workflowId: string } }[] };
      const id = listed.executions?.[0]?.execution.workflowId;
      if (!id) throw new Error('no case workflow yet');
      return id;
    }, 120_000);

    browser = await launchBrowser();

    /** README step 3: in the Temporal UI, Codec Server → "Use my browser setting", the endpoint, credentials on. */
    const setCodec = async (context: BrowserContext): Promise<Page> => {
      const ui = await context.newPage();
      await ui.goto(`${temporalUi}/namespaces/default/workflows`);
      await ui.getByRole('button', { name: 'Codec Server is configured' }).click();
      const dialog = ui.getByRole('dialog');
      // The cluster-level endpoint npm start passed to the UI is shown; the UI sends no cookie to it by itself.
      await dialog.getByText(codecEndpoint).waitFor();
      await dialog.getByText('Use my browser setting and ignore Cluster-level setting.').click();
      await dialog.getByLabel('Codec Server browser endpoint').fill(codecEndpoint);
      await dialog.getByText('Include cross-origin credentials').click();
      await dialog.getByRole('button', { name: 'Apply' }).click();
      await dialog.waitFor({ state: 'hidden' });
      return ui;
    };
    /**
     * Whether a decode request carries ChildSafe's ciphertext. The UI also sends payloads the SDK writes unencrypted
     * (a local activity's marker metadata: its id, type and times), which the codec hands back as they are.
     */
    const carriesCiphertext = (body: string | null): boolean => {
      const sent = JSON.parse(body ?? '{}') as { payloads?: { metadata?: Record<string, string> }[] };
      return (sent.payloads ?? []).some(
        (p) => Buffer.from(p.metadata?.encoding ?? '', 'base64').toString('utf8') === ENCRYPTED_ENCODING,
      );
    };
    /** README step 4: the case's workflow page; resolves with the status of the UI's first decode of ciphertext. */
    const openCase = async (ui: Page): Promise<number> => {
      const decoded = ui.waitForResponse(
        (r) => r.url().startsWith(`${codecEndpoint}/decode`) && carriesCiphertext(r.request().postData()),
      );
      await ui.goto(`${temporalUi}/namespaces/default/workflows/${encodeURIComponent(caseId)}`);
      return (await decoded).status();
    };

    // The coordinator of the case's district, signed in to the web app in the same browser (README step 2).
    const coordinator = await browser.newContext(DESKTOP);
    const app = await coordinator.newPage();
    await app.goto(`${webApp}/login`);
    await app.getByLabel('电子邮箱').fill(COORDINATOR);
    await app.getByLabel('密码').fill(DEMO_PASSWORD);
    await app.getByRole('button', { name: '登录' }).click();
    await app.waitForURL(`${webApp}/dashboard`);
    const ui = await setCodec(coordinator);
    expect(await openCase(ui)).toBe(200);
    // The case workflow's input, decrypted by ChildSafe for this coordinator: its fields in clear JSON.
    await ui.getByText('"childId"').first().waitFor();
    await ui.getByText('"cn-changning"').first().waitFor();
    expect(await ui.getByText('Codec Server could not connect').count()).toBe(0);
    await screenshot(ui, 'temporal-ui-decoded-by-coordinator');

    // Not signed in: same settings, same page: the codec answers 401 and the input stays ciphertext.
    const anonymous = await browser.newContext(DESKTOP);
    const outside = await setCodec(anonymous);
    expect(await openCase(outside)).toBe(401);
    await outside.locator('#content').getByText('Codec Server could not connect').waitFor();
    expect(await outside.locator('body').innerText()).not.toMatch(/"childId"|"pack"/);
    await screenshot(outside, 'temporal-ui-signed-out');

    // Another district's coordinator, signed in: 403, nothing in clear.
    const fengtai = await browser.newContext(DESKTOP);
    const other = await fengtai.newPage();
    await other.goto(`${webApp}/login`);
    await other.getByLabel('电子邮箱').fill(OTHER_DISTRICT);
    await other.getByLabel('密码').fill(DEMO_PASSWORD);
    await other.getByRole('button', { name: '登录' }).click();
    await other.waitForURL(`${webApp}/dashboard`);
    const otherUi = await setCodec(fengtai);
    expect(await openCase(otherUi)).toBe(403);
    await otherUi.locator('#content').getByText('Codec Server could not connect').waitFor();
    expect(await otherUi.locator('body').innerText()).not.toMatch(/"childId"|"pack"/);
  });
});
