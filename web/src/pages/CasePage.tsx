/**
 * One case: the child's file (as far as the viewer's scope allows: the API filters it), the stage and risk, each
 * running clock as a bar from its start to its cap with the clause it enforces, open tasks, escalations, findings,
 * the timeline, and the actions the viewer's role allows.
 */
import { api } from '../api/client';
import type { CaseOpenTask, CaseView } from '../../../contracts/cases';
import { clockName, usePackWords } from '../clocks';
import { ChildFile } from '../components/ChildFile';
import { ClockBar } from '../components/ClockBar';
import { notifyLabel } from '../components/notify';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { TIMELINE_ACTIONS, timelineActor } from '../i18n/timeline';
import { Link } from '../router';
import { useUser } from '../session';
import { isAgencyRole, isCoordinatorRole } from '../../../contracts/roles';
import { currentDeadline } from './Inbox';

export function CasePage({ caseId }: { caseId: string }) {
  const { t } = useI18n();
  const view = useLoad(() => api.case(caseId), [caseId], 30_000);
  return (
    <section className="page page--wide" aria-labelledby="case-title">
      {view.status !== 'ready' ? <h1 id="case-title">{t('case.title', { number: '' })}</h1> : null}
      <Loaded state={view}>{(data) => <CaseBody view={data} />}</Loaded>
    </section>
  );
}

function taskAgency(task: CaseOpenTask): string {
  return task.agencyCode;
}

function CaseBody({ view }: { view: CaseView }) {
  const { t, pick, formatDateTime } = useI18n();
  const user = useUser();
  const now = useNow(15_000);
  const { case: c, status, child, timeline } = view;
  const words = usePackWords(c.policyPackId, c.policyPackVersion);
  const isAgency = isAgencyRole(user.role);
  const isCoordinator = isCoordinatorRole(user.role);
  const actorName = (actor: string) => {
    const a = timelineActor(actor);
    return a.kind === 'system' ? t('timeline.system') : a.kind === 'user' ? t('timeline.user', { id: a.id! }) : actor;
  };
  const myTasks = status.openTasks.filter((tk) => isAgency && taskAgency(tk) === user.agencyCode);

  return (
    <>
      <h1 id="case-title">{t('case.title', { number: c.caseNumber ?? c.caseId })}</h1>
      <dl className="kv kv--inline">
        <dt>{t('case.stage')}</dt>
        <dd>
          <strong data-testid="case-stage" data-stage={status.stage}>
            {t(`stage.${status.stage}` as MessageKey)}
          </strong>
        </dd>
        <dt>{t('case.risk')}</dt>
        <dd>
          <span className={`risk risk--${c.risk}`}>{t(`risk.${c.risk}` as MessageKey)}</span>
        </dd>
        {c.categories?.length ? (
          <>
            <dt>{t('case.categories')}</dt>
            <dd>{c.categories.join('、')}</dd>
          </>
        ) : null}
      </dl>

      <div className="grid">
        <section className="panel" aria-labelledby="clocks-h">
          <h2 id="clocks-h">{t('case.clocks')}</h2>
          {status.clocks.length === 0 ? (
            <p className="muted">{t('case.clocksEmpty')}</p>
          ) : (
            <ul className="plain" data-testid="clocks">
              {[...status.clocks]
                .sort((a, b) => Date.parse(a.firesAt) - Date.parse(b.firesAt))
                .map((clock) => (
                  <li key={clock.id}>
                    <ClockBar
                      label={clockName(clock.label, words, t, pick)}
                      clause={clock.clause}
                      startedAt={clock.startedAt}
                      firesAt={clock.firesAt}
                      now={now}
                    />
                  </li>
                ))}
            </ul>
          )}
        </section>

        <section className="panel" aria-labelledby="child-file-h">
          <h2 id="child-file-h">{t('case.child')}</h2>
          <ChildFile child={child} />
        </section>

        <section className="panel" aria-labelledby="open-tasks-h">
          <h2 id="open-tasks-h">{t('case.openTasks')}</h2>
          {status.openTasks.length === 0 ? (
            <p className="muted">{t('case.openTasksEmpty')}</p>
          ) : (
            <ul className="plain">
              {status.openTasks.map((tk) => {
                const dl = currentDeadline({
                  status: tk.acceptedAt ? 'accepted' : 'created',
                  acceptBy: tk.acceptBy,
                  completeBy: tk.completeBy,
                });
                const mine = isAgency && taskAgency(tk) === user.agencyCode;
                return (
                  <li key={tk.taskId}>
                    {mine || isCoordinator ? (
                      <Link href={`/tasks/${encodeURIComponent(tk.taskId)}`}>{pick(tk.label) || tk.kind}</Link>
                    ) : (
                      <span>{pick(tk.label) || tk.kind}</span>
                    )}{' '}
                    <span className="muted small">{taskAgency(tk)}</span>
                    <br />
                    <span className="small">
                      {t(dl.phase === 'accept' ? 'deadline.accept' : 'deadline.complete')}
                    </span>{' '}
                    <Countdown deadline={dl.at} now={now} />
                  </li>
                );
              })}
            </ul>
          )}
        </section>

        {status.escalations.length > 0 ? (
          <section className="panel" aria-labelledby="esc-h">
            <h2 id="esc-h">{t('case.escalations')}</h2>
            <ul className="plain">
              {status.escalations.map((e, i) => (
                <li key={`${e.taskId ?? ''}-${e.phase}-${e.rung}-${i}`}>
                  {t('task.escalation', {
                    rung: e.rung,
                    notify: notifyLabel(e.notify, t),
                    clause: e.clause,
                    at: formatDateTime(e.at),
                  })}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {status.findings.length > 0 ? (
          <section className="panel" aria-labelledby="findings-h">
            <h2 id="findings-h">{t('case.findings')}</h2>
            <ul className="plain">
              {status.findings.map((f, i) => (
                <li key={i}>
                  {f.kind === 'late_report'
                    ? t('case.finding.late_report', {
                        unit: String(f.againstUnitId ?? ''),
                        discovered: formatDateTime(String(f.discoveredAt ?? '')),
                        reported: formatDateTime(String(f.reportedAt ?? '')),
                        deadline: formatDateTime(String(f.deadline ?? '')),
                      })
                    : f.kind}{' '}
                  {f.clause ? <span className="clause">{f.clause}</span> : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>

      <section className="panel" aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('case.timeline')}</h2>
        {timeline.length === 0 ? (
          <p className="muted">{t('case.timelineEmpty')}</p>
        ) : (
          <ol className="timeline">
            {[...timeline]
              .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
              .map((entry, i) => (
                <li key={`${entry.at}-${i}`}>
                  <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>{' '}
                  <strong data-action={entry.action}>
                    {TIMELINE_ACTIONS[entry.action] ? pick(TIMELINE_ACTIONS[entry.action]) : entry.action}
                  </strong>{' '}
                  <span className="muted">{actorName(entry.actor)}</span>
                  {entry.detail ? <div className="small muted">{entry.detail}</div> : null}
                </li>
              ))}
          </ol>
        )}
      </section>

      {myTasks.length > 0 || isCoordinator ? (
        <section className="panel" aria-labelledby="actions-h">
          <h2 id="actions-h">{t('case.actions')}</h2>
          <ul className="plain">
            {myTasks.map((tk) => (
              <li key={tk.taskId}>
                <Link href={`/tasks/${encodeURIComponent(tk.taskId)}`} className="button">
                  {t('case.handleTask')}：{pick(tk.label) || tk.kind}
                </Link>
              </li>
            ))}
            {isCoordinator ? (
              <li>
                <Link href="/dashboard">{t('case.backToDashboard')}</Link>
              </li>
            ) : null}
          </ul>
        </section>
      ) : null}
    </>
  );
}
