/** The signed-in user's notifications (new tasks, escalations), newest first; opening one marks it read. */
import { api } from '../api/client';
import type { Notification } from '../../../contracts/notifications';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n } from '../i18n';
import { Link } from '../router';

/** Where in the app a notification points: its task, else its case, else its link if it is on this site. */
export function notificationPath(n: Notification): string | undefined {
  if (n.taskId) return `/tasks/${encodeURIComponent(n.taskId)}`;
  if (n.caseId) return `/cases/${encodeURIComponent(n.caseId)}`;
  if (!n.link) return undefined;
  try {
    const url = new URL(n.link, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}

export function NotificationsPage() {
  const { t, formatDateTime } = useI18n();
  const state = useLoad(() => api.notifications(), [], 60_000);
  const now = useNow();
  return (
    <section className="page" aria-labelledby="notif-title">
      <h1 id="notif-title">{t('notif.title')}</h1>
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t('notif.empty')}</p>
          ) : (
            <ul className="cards">
              {[...items]
                .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
                .map((n) => {
                  const to = notificationPath(n);
                  // Marking read is a courtesy: a failure must not stop the user from opening the task.
                  const markRead = () => {
                    if (!n.read) api.markNotificationRead(n.id).catch(() => undefined);
                  };
                  return (
                    <li key={n.id} className={`card${n.read ? '' : ' card--unread'}`}>
                      {!n.read ? <span className="badge">{t('notif.unread')}</span> : null}{' '}
                      {to ? (
                        <Link href={to} onClick={markRead}>
                          {n.subject}
                        </Link>
                      ) : (
                        n.subject
                      )}
                      {n.kind === 'delivery_failed' || n.kind === 'missed_notice' ? (
                        <p className="badge badge--overdue" role="alert">
                          {t(n.kind === 'missed_notice' ? 'notif.missedNotice' : 'notif.deliveryFailed')}
                        </p>
                      ) : null}
                      <div className="muted small">
                        {formatDateTime(n.createdAt)} {n.dueAt ? <Countdown deadline={n.dueAt} now={now} /> : null}
                      </div>
                    </li>
                  );
                })}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
