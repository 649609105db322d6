/**
 * Issue #14 item 2, detention notices (CN 三(四)): a police officer, on a phone, lists the minor children of a person
 * just detained and says which need entrusted care; the page lists them back, and one care-arrangement task opens at the agency
 * the pack names, for the child who needs it (none for the other). A school reporter has no
 * such page. Real stack (API, worker, Temporal, FerretDB), Debian Chromium, screenshots in test-results/screenshots/.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_AGENCY_CODES } from '../../models/seed/directory';
import { TaskModel } from '../../models/task';
import { CHANGNING, eventually } from '../integration/full-stack/harness';
import { PHONE, screenshot } from './browser';
import { startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(300_000); // a notice starts a workflow that opens a task workflow through a loaded worker

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000);
afterAll(async () => {
  await j?.stop();
});

describe('the detention-notice page', () => {
  test("the police list a detained person's children; a care task opens for the child who needs it", async () => {
    const needsCare = `赵${randomUUID().slice(0, 4)}`;
    const cared = `赵${randomUUID().slice(0, 4)}`;
    const police = await j.signIn(PHONE, CHANGNING.police, '/inbox');
    await police.getByRole('link', { name: '羁押人员子女登记' }).click();
    await police.getByRole('heading', { level: 1, name: '被羁押人员子女情况登记' }).waitFor();

    // Sent empty: each missing answer is named beside its field.
    await police.getByRole('button', { name: '提交登记' }).click();
    expect(await police.locator('.field-error').allTextContents()).toEqual(['必填', '必填']);

    await police.getByLabel('被羁押人员案件编号').fill(`华公(拘)〔2026〕${randomUUID().slice(0, 4)}号`);
    await police.getByLabel('子女所在街道（乡镇）', { exact: true }).selectOption({ label: '华阳路街道' });
    await police.getByLabel('子女所在地址').fill('长宁区华阳路 66 弄 1 号');
    await police.locator('#f-children-0-name').fill(needsCare);
    await police.getByRole('button', { name: '再添加一名子女' }).click();
    await police.locator('#f-children-1-name').fill(cared);
    // The second child is with the other parent: no entrusted care needed.
    await police.getByRole('checkbox', { name: '需要委托临时生活照料' }).nth(1).uncheck();
    expect(await police.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(police, 'detention-1-children-listed-phone');
    await police.getByRole('button', { name: '提交登记' }).click();

    const filed = police.getByTestId('detention-filed');
    await filed.waitFor();
    expect(await filed.textContent()).toContain('需要照料的子女 1 名');
    expect(await police.getByTestId('detention-children').textContent()).toContain(needsCare);
    await screenshot(police, 'detention-2-filed-phone');

    // One care-arrangement task, for the child who needs care, at the agency the pack names (the police sub-bureau).
    await eventually(async () => {
      const tasks = await TaskModel.find({ kind: 'detention_care_arrangement' }).lean();
      expect(tasks.map((t) => t.agencyCode)).toEqual([DEMO_AGENCY_CODES.changning.policeSubBureau]);
    }, 120_000);
    expect(j.consoleErrors).toEqual([]);
  });
});
