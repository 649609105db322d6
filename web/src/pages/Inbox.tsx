/**
 * An agency's tasks with a countdown to the deadline that applies now (accept, then complete); tasks about a child in
 * multiple difficulty come first, marked 多重困境 (FT 三(一)4(2)), then overdue tasks, marked in words, not colour alone.
 */
import { useState } from 'react';
import { api } from '../api/client';
import type { TaskSummary } from '../../../contracts/tasks';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { Link } from '../router';

const CLOSED = new Set(['completed', 'declined', 'withdrawn']);

/** The deadline that matters now: accept-by until accepted, complete-by after. */
export function currentDeadline(task: Pick<TaskSummary, 'status' | 'acceptBy' | 'completeBy'>): {
  at: string | null;
  phase: 'accept' | 'complete';
} {
  return task.status === 'accepted'
    ? { at: task.completeBy, phase: 'complete' }
    : { at: task.acceptBy, phase: 'accept' };
}

export function isOverdue(task: TaskSummary, now: number): boolean {
  const at = currentDeadline(task).at;
  return !CLOSED.has(task.status) && (task.overdue || (at !== null && Date.parse(at) < now));
}

/** The current deadline in milliseconds; a task without one sorts last. */
function dueTime(task: TaskSummary): number {
  const at = currentDeadline(task).at;
  return at === null ? Infinity : Date.parse(at);
}

export function sortForInbox(tasks: TaskSummary[], now: number): TaskSummary[] {
  return [...tasks].sort((a, b) => {
    // FT 三(一)4(2): children in multiple difficulty get priority.
    const ma = a.multipleDifficulty ? 0 : 1;
    const mb = b.multipleDifficulty ? 0 : 1;
    if (ma !== mb) return ma - mb;
    const oa = isOverdue(a, now) ? 0 : 1;
    const ob = isOverdue(b, now) ? 0 : 1;
    if (oa !== ob) return oa - ob;
    return dueTime(a) - dueTime(b);
  });
}

export function Inbox() {
  const { t, pick } = useI18n();
  const [tab, setTab] = useState<'open' | 'closed'>('open');
  const tasks = useLoad(() => api.tasks(), [], 30_000);
  const now = useNow();

  return (
    <section className="page" aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      <div className="tabs" role="group" aria-label={t('inbox.title')}>
        {(['open', 'closed'] as const).map((k) => (
          <button key={k} type="button" aria-pressed={tab === k} onClick={() => setTab(k)}>
            {t(k === 'open' ? 'inbox.tabOpen' : 'inbox.tabClosed')}
          </button>
        ))}
      </div>
      <Loaded state={tasks}>
        {({ items }) => {
          const shown = sortForInbox(
            items.filter((x) => (tab === 'open' ? !CLOSED.has(x.status) : CLOSED.has(x.status))),
            now,
          );
          const overdue = shown.filter((x) => isOverdue(x, now)).length;
          if (shown.length === 0) return <p>{t('inbox.empty')}</p>;
          return (
            <>
              {overdue > 0 ? <p className="notice notice--error">{t('inbox.overdueCount', { n: overdue })}</p> : null}
              <ul className="cards" data-testid="task-list">
                {shown.map((task) => {
                  const dl = currentDeadline(task);
                  const late = isOverdue(task, now);
                  return (
                    <li key={task.taskId} className={`card task${late ? ' task--overdue' : ''}`}>
                      <h2 className="card__title">
                        <Link href={`/tasks/${encodeURIComponent(task.taskId)}`}>{pick(task.label) || task.kind}</Link>
                        {task.multipleDifficulty ? (
                          <>
                            {' '}
                            <span className="badge badge--priority" data-testid="multiple-difficulty">
                              {t('priority.multipleDifficulty')}
                            </span>
                          </>
                        ) : null}
                      </h2>
                      <dl className="kv">
                        <dt>{t('inbox.status')}</dt>
                        <dd>{t(`status.${task.status}` as MessageKey)}</dd>
                        {!CLOSED.has(task.status) ? (
                          <>
                            <dt>{t(dl.phase === 'accept' ? 'deadline.accept' : 'deadline.complete')}</dt>
                            <dd>
                              <Countdown deadline={dl.at} now={now} overdue={late} />
                            </dd>
                          </>
                        ) : null}
                        <dt>{t('inbox.clause')}</dt>
                        <dd>
                          <span className="clause">{task.clause}</span>
                        </dd>
                      </dl>
                    </li>
                  );
                })}
              </ul>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
