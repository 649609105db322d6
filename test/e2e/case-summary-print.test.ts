/**
 * Issue #15 item 5 in the browser: the district coordinator prints a one-case summary for a joint meeting (联席会议).
 * From the case page a link opens the print page: the child as the coordinator may see them (no identity number), the
 * stage, the tasks with their agencies by name and their outcomes, the legal step with its clause, the chain of events
 * in words; no forms and no raw ids; the print is audited with its purpose. Printed (print media, `page.pdf()` in
 * headless Chromium) the navigation is gone and the PDF embeds a font with the Chinese glyphs. A police officer may
 * not print it (403) and another district's coordinator finds no such case (404).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditEventModel } from '../../models/audit-event';
import { CHANGNING, eventually, randomIdNumber, reportBody } from '../integration/full-stack/harness';
import { DESKTOP, screenshot } from './browser';
import { openCasePage, startJourney, type Journey } from './helpers/case-journey';

jest.setTimeout(240_000); // a report through the worker, a police task completed, then Chromium prints to PDF

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 180_000); // the whole stack and Chromium start, as in the other journeys (120 s ran out on a loaded machine)
afterAll(async () => {
  await j?.stop();
});

describe('the printed case summary', () => {
  it('is printed by the coordinator from the case page: names, the legal step and its clause, the events in words; audited; renders to PDF with Chinese glyphs', async () => {
    const idNumber = randomIdNumber();
    const reporter = await j.stack.login(CHANGNING.reporter);
    const filed = await request(j.stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody({ name: '李小明', idNumber }))
      .expect(202);
    const caseId = await j.caseOfReceipt(filed.body.receipt);
    const policeTask = await j.openTask(caseId, 'police_response');
    const police = await j.stack.login(CHANGNING.police);
    await request(j.stack.app)
      .post(`/api/v1/interventions/${caseId}/legal-steps`)
      .set('authorization', `Bearer ${police}`)
      .send({ step: 'criticism_education', evidenceRef: '华公(教)〔2026〕21号', occurredAt: new Date().toISOString() })
      .expect(200);
    await j.completeAsAgency(policeTask, {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
      custody: { kind: 'remains_with_guardian' },
      evidenceRefs: [],
    });
    await eventually(async () => {
      const status = await j.caseStatus(caseId);
      expect(status.openTasks.some((t) => t.taskId === policeTask.taskId)).toBe(false);
    }, 60_000);

    // Only coordinators print, and only their own cases.
    const summaryApi = `/api/v1/cases/${caseId}/summary?purpose=joint_meeting`;
    const refused = await request(j.stack.app).get(summaryApi).set('authorization', `Bearer ${police}`);
    expect(refused.status).toBe(403);
    const other = await j.stack.login('civil-affairs@fengtai.demo.childsafe.local');
    expect((await request(j.stack.app).get(summaryApi).set('authorization', `Bearer ${other}`)).status).toBe(404);

    const page = await j.signIn(DESKTOP, CHANGNING.coordinator, '/dashboard');
    await openCasePage(page, j.url, caseId);
    const since = new Date();
    await page.getByRole('link', { name: '打印个案摘要（联席会议用）' }).click();
    await page.waitForURL(`${j.url}/cases/${encodeURIComponent(caseId)}/print?purpose=joint_meeting`);
    const head = page.getByTestId('print-head');
    await head.waitFor();
    expect(await head.textContent()).toContain('个案摘要 · 用于：联席会议');
    expect(await head.textContent()).toContain('打印人');

    const main = page.locator('.print-summary');
    await main.locator('section[data-section="timeline"]').waitFor();
    const text = (await main.innerText()).replace(/\s+/g, ' ');
    // The child as the coordinator may see them: the name, not the identity number.
    expect(text).toContain('李小明');
    expect(text).not.toContain(idNumber);
    // The legal step with its clause and the police station by name; the completed task by its label and agency.
    expect(text).toContain('批评教育');
    expect(text).toContain('CN 四(四)3');
    expect(text).toContain('华公(教)〔2026〕21号');
    expect(text).toContain('华阳路派出所');
    expect(text).toContain('已完成');
    // What the police recorded on completing their task, in words.
    const outcomes = (await main.locator('section[data-section="outcomes"]').innerText()).replace(/\s+/g, ' ');
    expect(outcomes).toContain('公安机关应急处置');
    expect(outcomes).toContain('仍由监护人照料');
    expect(outcomes).not.toMatch(/remains_with_guardian|guardian_recalled|living_alone/);
    // The chain of events in words.
    expect(text).toContain('建立儿童档案');
    // Names, never codes or ids; no forms to fill on paper.
    expect(text).not.toMatch(/[0-9a-f]{24}|cn\.police|police_response|criticism_education/);
    expect(await main.locator('details.command, form').count()).toBe(0);

    await eventually(async () => {
      const printed = await AuditEventModel.findOne({
        action: 'case.summary_printed',
        caseWorkflowId: caseId,
        at: { $gte: since },
      }).lean();
      expect(printed?.reason).toBe('summary printed for joint_meeting');
    });

    // On paper: no navigation, no buttons; the PDF embeds a CJK font for the Chinese text.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: '打印' }).isVisible()).toBe(false);
    await screenshot(page, 'case-summary-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const fonts = [...pdf.toString('latin1').matchAll(/\/BaseFont\s*\/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)/g)].map(
      (m) => m[1]!,
    );
    expect(fonts.some((f) => /WenQuanYi|Noto.*CJK|SourceHan|DroidSansFallback/i.test(f))).toBe(true);
  });
});
