/**
 * The signed-in user's notifications, newest first: what each is (new task, reminder before a deadline, escalation
 * with its level, decision due, finding …), whether its deadline was missed (from the deadline and when the step was
 * done, as the API says, not from the clock alone), and marking one or all read. Opening one marks it read too. A
 * ledger notice (a missed visit, or its notice to the street not delivered) names the child and its street, as the API
 * names them, and opens its ledger page. A task's notice that did not arrive names the agency not told (whom to call). Each marking tells the navigation, whose unread count then reloads at once
 * rather than at its next poll.
 */
import { useState } from 'react';
import { api } from '../api/client';
import type { Notification } from '../../../contracts/notifications';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { Link } from '../router';

const READ_EVENT = 'childsafe:notifications-read';

/** Calls `listener` whenever this page marked notifications read; returns the unsubscribe (for a useEffect). */
export function onNotificationsRead(listener: () => void): () => void {
  window.addEventListener(READ_EVENT, listener);
  return () => window.removeEventListener(READ_EVENT, listener);
}

function announceRead(): void {
  window.dispatchEvent(new Event(READ_EVENT));
}

/**
 * Where in the app a notification points: its task, else its case, else the child's ledger page, else its link if it
 * is on this site.
 */
export function notificationPath(n: Notification): string | undefined {
  if (n.taskId) return `/tasks/${encodeURIComponent(n.taskId)}`;
  if (n.caseId) return `/cases/${encodeURIComponent(n.caseId)}`;
  if (n.childId) return `/ledger/children/${encodeURIComponent(n.childId)}`;
  if (!n.link) return undefined;
  try {
    const url = new URL(n.link, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The warning of a notice that did not arrive: a task's agency was not told (or that escalated as a missed notice), or
 * a ledger child's street was not told of the overdue visit (no task, the child's file).
 */
function warningOf(n: Notification): MessageKey | undefined {
  if (n.kind === 'missed_notice') return 'notif.missedNotice';
  if (n.kind !== 'delivery_failed') return undefined;
  return !n.taskId && n.childId ? 'notif.ledgerDeliveryFailed' : 'notif.deliveryFailed';
}

/** The entry's title: its email's subject without the mail tag ("[ChildSafe] "), which the app does not need. */
export function notificationTitle(subject: string): string {
  return subject.replace(/^\[ChildSafe\]\s*/, '');
}

function Entry({ n, now, onRead }: { n: Notification; now: number; onRead: () => void }) {
  const { t, formatDateTime, pick } = useI18n();
  const to = notificationPath(n);
  const title = notificationTitle(n.subject);
  const warning = warningOf(n);
  // Marking read is a courtesy: a failure must not stop the user from opening the task.
  const markRead = () => {
    if (!n.read) api.markNotificationRead(n.id).then(onRead, () => undefined);
  };
  return (
    <li className={`card${n.read ? '' : ' card--unread'}`} data-testid="notification" data-kind={n.kind}>
      {!n.read ? <span className="badge">{t('notif.unread')}</span> : null}{' '}
      <span className="badge">{t(`notif.kind.${n.kind}`)}</span>{' '}
      {n.level !== null ? <span className="badge badge--overdue">{t('notif.level', { level: n.level })}</span> : null}{' '}
      {to ? (
        <Link href={to} onClick={markRead}>
          {title}
        </Link>
      ) : (
        title
      )}
      {n.child ? (
        <p className="small" data-testid="notification-child">
          {t('notif.ledgerChild', { child: n.child.name })}
          {n.child.streetName ? <> · {t('notif.ledgerStreet', { street: pick(n.child.streetName) })}</> : null}
        </p>
      ) : null}
      {n.agency && !n.child ? (
        <p className="small" data-testid="notification-agency">
          {t('notif.agencyNotTold', { agency: pick(n.agency.name) })}
        </p>
      ) : null}
      {warning ? (
        <p className="notice notice--error" role="alert">
          {t(warning)}
        </p>
      ) : null}
      <div className="muted small">
        {formatDateTime(n.createdAt)}{' '}
        {n.dueAt ? (
          n.overdue ? (
            <span className="badge badge--overdue" data-testid="overdue">
              {t('deadline.overdueBadge')}
            </span>
          ) : n.done ? (
            <span>{t('notif.doneInTime')}</span>
          ) : (
            <Countdown deadline={n.dueAt} now={now} />
          )
        ) : null}
      </div>
      {!n.read ? (
        <button type="button" className="link-button" onClick={markRead}>
          {t('notif.markRead')}
        </button>
      ) : null}
    </li>
  );
}

export function NotificationsPage() {
  const { t } = useI18n();
  const state = useLoad(() => api.notifications(), [], 60_000);
  const now = useNow();
  const [busy, setBusy] = useState(false);
  // Opening a notice leaves this page before its marking answers: the navigation, still there, hears of it.
  const onRead = () => {
    state.reload();
    announceRead();
  };
  const markAll = () => {
    setBusy(true);
    api
      .markAllNotificationsRead()
      .then(onRead, () => undefined)
      .finally(() => setBusy(false));
  };
  return (
    <section className="page" aria-labelledby="notif-title">
      <h1 id="notif-title">{t('notif.title')}</h1>
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t('notif.empty')}</p>
          ) : (
            <>
              {items.some((n) => !n.read) ? (
                <button type="button" onClick={markAll} disabled={busy}>
                  {t('notif.markAllRead')}
                </button>
              ) : null}
              <ul className="cards">
                {[...items]
                  .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
                  .map((n) => (
                    <Entry key={n.id} n={n} now={now} onRead={onRead} />
                  ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </section>
  );
}
