/**
 * Delivering a notification event: one in-app inbox entry for every recipient with an account, and one email to every
 * recipient, each exactly once however often the activity is retried.
 *
 * How "exactly once" is kept for email. Each (event, recipient) has a record under a unique idempotency key, and a
 * send goes pending → sending (an atomic claim, stamped with the time) → sent; the first attempt creates the record
 * already 'sending' in the same write (`ensureClaimed`: its insert is its claim, and only the inserting attempt holds
 * it). The Message-ID is derived from the key, so even a resend would carry the same id. On a retry:
 *  - sent: nothing is sent again.
 *  - pending (a temporary failure released it): sent now.
 *  - sending, claimed less than `inFlightLimitMs` ago: another attempt may still be talking to the server, so this
 *    attempt fails with a retryable DeliveryInProgress and Temporal tries again later.
 *  - sending, claimed longer ago (or 'unconfirmed', left by an earlier version that never resent): the attempt
 *    that claimed it stopped between the claim and recording the result (a worker killed mid-send, a lost database
 *    write after the server's "250"). The server may or may not have the message, and nothing can tell which, so it
 *    is claimed again (atomically, against the old claim's time) and SENT AGAIN with the same Message-ID. That is
 *    at-least-once: for a police notification a rare duplicate, which a receiver can drop by its Message-ID, is far
 *    cheaper than a lost one. The wait before the resend is bounded by `inFlightLimitMs` (45 seconds by default:
 *    longer than a live send can take with the transport's timeouts in common/mail.ts, shorter than the activity's
 *    one-minute start-to-close timeout, after which Temporal retries an attempt whose worker died).
 * A connection that breaks during the SMTP exchange (no reply) counts as a temporary failure and is sent again: there
 * the choice is at-least-once, since the server most likely did not take the message.
 *
 * Temporary failures (4xx replies, connection errors) fail the activity with a retryable error after every recipient
 * was tried; a permanent failure (5xx) is recorded as 'failed' and fails it with the non-retryable
 * PermanentDeliveryFailure, which the notifier (activities/stores/notifier.ts) answers by telling the district's
 * coordinators (a delivery_failed notice) and, for a task, escalating it as a missed notice.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { NOTIFICATION_KINDS, type NewNotification, type NotificationRepository } from '../models/notification';
import { NotificationFailure } from '../workflows/failures';
import { renderNotificationEmail } from './mail/notification-email';

/** ApplicationFailure types this activity fails with (the catalogue, workflows/failures.ts, lists which are final). */
export { NotificationFailure };

/** What a workflow asks to have delivered. Strict: there is no field a child's name could travel in. */
export const notificationEventSchema = z.strictObject({
  /** Workflow id + logical key ("case-…:task:2:created"), never the run id, which changes on continue-as-new. */
  idempotencyKey: z.string().min(3).max(400),
  kind: z.enum(NOTIFICATION_KINDS),
  recipients: z
    .array(
      z.strictObject({
        email: z.email(),
        userId: z.string().min(1).optional(),
        agencyCode: z.string().min(1).optional(),
      }),
    )
    .min(1),
  taskId: z.string().min(1).optional(),
  caseId: z.string().min(1).optional(),
  /** The case's readable number (长宁-2026-000123), which the texts name; they never print the case's id. */
  caseNumber: z.string().min(1).max(64).optional(),
  /** The child file a ledger notice is about: its id only (the inbox names the child to a reader who may see it). */
  childId: z.string().min(1).optional(),
  taskKind: z.string().min(1).optional(),
  taskLabel: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }).optional(),
  dueAt: z.iso.datetime({ offset: true }).optional(),
  policyClause: z.string().min(1).optional(),
  escalationLevel: z.number().int().min(1).optional(),
  /**
   * A notice that did not arrive (delivery_failed, missed_notice): the agency (a ledger notice's: the street office)
   * that was not told, by name, with its duty desk's phone if the directory has one, so that the person alerted knows
   * whom to call. Names of agencies only: no personal data.
   */
  agencyName: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }).optional(),
  agencyPhone: z.string().min(1).max(40).optional(),
});

export type NotificationEvent = z.infer<typeof notificationEventSchema>;

export interface DeliveryReport {
  inboxEntries: number;
  emailsSent: number;
  /** Sent by an earlier attempt. */
  emailsAlreadySent: number;
  /** Interrupted earlier between claiming and recording, and sent again now with the same Message-ID (see above). */
  emailsResent: number;
}

export interface NotificationDeliveryDependencies {
  transport: Pick<Transporter, 'sendMail'>;
  notifications: Pick<
    NotificationRepository,
    'ensure' | 'ensureClaimed' | 'claim' | 'reclaim' | 'markSent' | 'release' | 'markFailed'
  >;
  mailFrom: string;
  publicUrl: string;
  /** How long a claimed send may be in flight before it counts as interrupted; longer than any SMTP timeout. */
  inFlightLimitMs?: number;
  /** The waits between tries to record a send the server accepted (see `recordSent`). */
  recordRetryDelaysMs?: readonly number[];
  now?: () => Date;
}

export const DEFAULT_IN_FLIGHT_LIMIT_MS = 45_000;
/** About 15 s in all: well inside the in-flight limit, so a live attempt records before anyone may resend. */
export const DEFAULT_RECORD_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 4_000, 4_000] as const;

interface SmtpError {
  responseCode?: number;
  code?: string;
  response?: string;
  message?: string;
}

const isPermanent = (err: SmtpError) => typeof err.responseCode === 'number' && err.responseCode >= 500;
const describe = (err: SmtpError) =>
  `${err.responseCode ?? err.code ?? 'error'}: ${err.response ?? err.message ?? 'unknown'}`.slice(0, 500);

type EmailOutcome = 'sent' | 'resent' | 'already_sent' | 'in_progress' | 'temporary' | 'permanent';

export function createNotificationDelivery(deps: NotificationDeliveryDependencies) {
  const now = deps.now ?? (() => new Date());
  const inFlightLimitMs = deps.inFlightLimitMs ?? DEFAULT_IN_FLIGHT_LIMIT_MS;
  const recordRetryDelaysMs = deps.recordRetryDelaysMs ?? DEFAULT_RECORD_RETRY_DELAYS_MS;
  const messageIdDomain = new URL(deps.publicUrl).hostname || 'childsafe.local';
  const messageIdFor = (key: string) =>
    `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}.notification@${messageIdDomain}>`;

  /** A notification's record for one recipient on one channel: what the inbox shows and the email's state. */
  function recordOf(
    event: NotificationEvent,
    recipient: NotificationEvent['recipients'][number],
    email: ReturnType<typeof renderNotificationEmail>,
    on: Pick<NewNotification, 'idempotencyKey' | 'channel' | 'status'>,
  ): NewNotification {
    return {
      ...on,
      eventKey: event.idempotencyKey,
      recipient,
      kind: event.kind,
      subject: email.subject,
      links: email.links,
      taskId: event.taskId,
      caseId: event.caseId,
      ...(event.childId ? { childId: event.childId } : {}),
      dueAt: event.dueAt ? new Date(event.dueAt) : undefined,
      ...(event.escalationLevel ? { escalationLevel: event.escalationLevel } : {}),
      ...(event.agencyName ? { agencyName: event.agencyName } : {}),
    };
  }

  async function sendEmail(
    event: NotificationEvent,
    recipient: NotificationEvent['recipients'][number],
    email: ReturnType<typeof renderNotificationEmail>,
  ): Promise<EmailOutcome> {
    const idempotencyKey = `${event.idempotencyKey}:email:${recipient.email.toLowerCase()}`;
    // A new record is created already claimed by this attempt (one write: no 'pending' step in between).
    const { record, claimed } = await deps.notifications.ensureClaimed(
      recordOf(event, recipient, email, { idempotencyKey, channel: 'email', status: 'pending' }),
      now(),
    );
    let resend = false;
    if (!claimed) {
      switch (record.status) {
        case 'sent':
          return 'already_sent';
        case 'failed':
          return 'permanent';
        case 'sending':
        case 'unconfirmed': {
          const claimedAt = record.claimedAt ?? null;
          const age = now().getTime() - (claimedAt?.getTime() ?? 0);
          if (record.status === 'sending' && age < inFlightLimitMs) return 'in_progress';
          // Interrupted: claim it again from exactly that claim (one caller wins), then send again below.
          if (!(await deps.notifications.reclaim(idempotencyKey, record.status, claimedAt, now())))
            return 'in_progress';
          resend = true;
          break;
        }
        case 'pending':
          if (!(await deps.notifications.claim(idempotencyKey, now()))) return 'in_progress';
          break;
      }
    }

    const messageId = messageIdFor(idempotencyKey);
    try {
      await deps.transport.sendMail({
        from: deps.mailFrom,
        to: recipient.email,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId,
        headers: { 'X-ChildSafe-Notification': event.kind },
      });
    } catch (err) {
      const smtp = err as SmtpError;
      if (isPermanent(smtp)) {
        await deps.notifications.markFailed(idempotencyKey, describe(smtp));
        return 'permanent';
      }
      await deps.notifications.release(idempotencyKey, describe(smtp));
      return 'temporary';
    }
    await recordSent(idempotencyKey, messageId);
    return resend ? 'resent' : 'sent';
  }

  /**
   * The server said "250": the message is out. Recording that must outlast a store's passing refusal (FerretDB on
   * SQLite answers "database is locked" under load), because a record left 'sending' is resent by the next attempt
   * once `inFlightLimitMs` has passed — a duplicate of a message already delivered. Measured in a 200-task timer storm
   * on a quiet machine before this: 8 of 200 escalation emails went out twice, 43–50 s apart, each after an
   * SQLITE_BUSY. Tries again after each delay, then gives up (the at-least-once path above).
   */
  async function recordSent(idempotencyKey: string, messageId: string): Promise<void> {
    for (const delay of [...recordRetryDelaysMs, null]) {
      try {
        await deps.notifications.markSent(idempotencyKey, messageId, now());
        return;
      } catch (err) {
        if (delay === null) throw err;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  return {
    async deliver(input: NotificationEvent): Promise<DeliveryReport> {
      const parsed = notificationEventSchema.safeParse(input);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => i.path.join('.') || '(event)').join(', ');
        throw ApplicationFailure.nonRetryable(
          `invalid notification event: ${fields}`,
          NotificationFailure.InvalidEvent,
        );
      }
      const event = parsed.data;
      const email = renderNotificationEmail(event, { publicUrl: deps.publicUrl });

      // The inbox first: it needs no mail server, so a person with an account always sees the notification.
      const withAccounts = event.recipients.filter((r) => r.userId);
      for (const recipient of withAccounts) {
        await deps.notifications.ensure(
          recordOf(event, recipient, email, {
            idempotencyKey: `${event.idempotencyKey}:inbox:${recipient.userId}`,
            channel: 'inbox',
            status: 'sent',
          }),
        );
      }

      const outcomes: { email: string; outcome: EmailOutcome }[] = [];
      for (const recipient of event.recipients) {
        outcomes.push({ email: recipient.email, outcome: await sendEmail(event, recipient, email) });
      }
      const withOutcome = (...wanted: EmailOutcome[]) => outcomes.filter((o) => wanted.includes(o.outcome));

      const retryLater = withOutcome('temporary', 'in_progress');
      if (retryLater.length) {
        const type = withOutcome('temporary').length ? NotificationFailure.Temporary : NotificationFailure.InProgress;
        throw ApplicationFailure.retryable(`${retryLater.length} email(s) not delivered yet`, type);
      }
      const failed = withOutcome('permanent');
      if (failed.length) {
        throw ApplicationFailure.nonRetryable(
          `${failed.length} email(s) refused by the mail server`,
          NotificationFailure.Permanent,
          { failedRecipients: failed.map((f) => f.email) },
        );
      }
      return {
        inboxEntries: withAccounts.length,
        emailsSent: withOutcome('sent', 'resent').length,
        emailsAlreadySent: withOutcome('already_sent').length,
        emailsResent: withOutcome('resent').length,
      };
    },
  };
}

export type NotificationDelivery = ReturnType<typeof createNotificationDelivery>;
