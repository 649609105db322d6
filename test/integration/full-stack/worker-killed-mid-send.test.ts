/**
 * Fault: the worker dies between claiming a notification's send and handing the message to the relay. A real worker
 * process (test/integration/fixtures/crash-on-send-worker.ts, the worker's own wiring with its transport hooked)
 * SIGKILLs itself inside `sendMail`; then a healthy worker takes over. The police station still gets the email:
 * exactly once, or twice under one Message-ID, never zero (at-least-once; before the fix the record went
 * 'unconfirmed' and the email was never sent).
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { NotificationModel } from '../../../models/notification';
import { startDoomedWorker } from './doomed-worker';
import { CHANGNING, eventually, mailTo, reportBody, startFullStack, type FullStack } from './harness';

jest.setTimeout(300_000);

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a worker killed between claiming a send and handing it to the relay', () => {
  it('the email is still delivered after another worker takes over: once, or twice with the same Message-ID, never zero', async () => {
    // tsx runs the worker in a node child of its own and passes on how it ended: killed by SIGKILL (exit 137).
    const worker = startDoomedWorker(stack, 'crash-on-send-worker.ts');

    const reporter = await stack.login(CHANGNING.reporter);
    const filed = await request(stack.app)
      .post('/api/v1/reports')
      .set('authorization', `Bearer ${reporter}`)
      .set('idempotency-key', randomUUID())
      .send(reportBody());
    expect(filed.status).toBe(202);

    // The doomed worker takes the report through intake and case to the police task, claims its email and dies.
    const ended = await worker.ended(150_000);
    expect(ended).toBe('killed');
    expect(fs.existsSync(worker.marker)).toBe(true);
    const claimed = await NotificationModel.findOne({
      channel: 'email',
      kind: 'task_created',
      status: 'sending',
    }).lean();
    expect(claimed).toBeTruthy();
    const taskId = claimed!.taskId!;
    expect(mailTo(CHANGNING.police, taskId)).toEqual([]);

    // A healthy worker: Temporal retries the notify activity once its start-to-close timeout (1 minute) has passed;
    // the claim is older than the in-flight limit (45 s) by then, so the send is claimed again and made.
    await stack.startWorker();
    const mail = await eventually(() => {
      const found = mailTo(CHANGNING.police, taskId);
      if (found.length === 0) throw new Error('no mail yet');
      return found;
    }, 150_000);
    expect(mail.length === 1 || (mail.length === 2 && mail[0]!.messageId === mail[1]!.messageId)).toBe(true);
    const record = await eventually(async () => {
      const found = await NotificationModel.findOne({ idempotencyKey: claimed!.idempotencyKey }).lean();
      expect(found?.status).toBe('sent');
      return found!;
    });
    expect(record.attempts).toBe(2);
    expect(record.messageId).toBe(mail[0]!.messageId);
  });
});
