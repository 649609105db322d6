/**
 * What the reporters saw, for the agency that acts on it (issue 12): each report's account in the reporter's words,
 * the concerns, the place of discovery by name with its address, the reporting unit and how to reach the reporter.
 * This case's reports first, then earlier reports about the same child.
 */
import type { ConcernType } from '../../../contracts/policies';
import type { TaskReport } from '../../../contracts/tasks';
import { useI18n, type MessageKey } from '../i18n';

export function TaskReports({ reports, concernTypes }: { reports: TaskReport[]; concernTypes: ConcernType[] }) {
  const { t, pick, formatDateTime } = useI18n();
  if (reports.length === 0) return null;
  const current = reports.filter((r) => r.thisCase);
  const earlier = reports.filter((r) => !r.thisCase);
  const card = (r: TaskReport) => (
    <article key={r.receipt} className="card" data-testid="task-report">
      <p className="account" data-testid="report-account">
        {r.account}
      </p>
      <dl className="kv">
        <div className="kv__row">
          <dt>{t('report.concerns')}</dt>
          <dd>{r.concerns.map((code) => pick(concernTypes.find((c) => c.code === code)?.label) || code).join('、')}</dd>
        </div>
        <div className="kv__row">
          <dt>{t('place.street')}</dt>
          <dd data-testid="report-place">
            {[
              r.place.street ? pick(r.place.street) : t('place.streetNotGiven'),
              r.place.committee ? pick(r.place.committee) : '',
            ]
              .filter(Boolean)
              .join(' · ')}
          </dd>
        </div>
        {r.place.address ? (
          <div className="kv__row">
            <dt>{t('report.address')}</dt>
            <dd>{r.place.address}</dd>
          </div>
        ) : null}
        <div className="kv__row">
          <dt>{t('report.discoveredAt')}</dt>
          <dd>{formatDateTime(r.discoveredAt)}</dd>
        </div>
        <div className="kv__row">
          <dt>{t('task.reportedAt')}</dt>
          <dd>{formatDateTime(r.reportedAt)}</dd>
        </div>
        <div className="kv__row">
          <dt>{t('task.reporter')}</dt>
          <dd data-testid="report-reporter">
            {[r.reporter.unitName, t(`unitType.${r.reporter.unitType}` as MessageKey), r.reporter.name]
              .filter(Boolean)
              .join(' · ')}
          </dd>
        </div>
        {r.reporter.phone || r.reporter.email ? (
          <div className="kv__row">
            <dt>{t('task.reachReporter')}</dt>
            <dd>
              {r.reporter.phone ? <a href={`tel:${r.reporter.phone}`}>{r.reporter.phone}</a> : null}
              {r.reporter.phone && r.reporter.email ? ' · ' : null}
              {r.reporter.email ? <a href={`mailto:${r.reporter.email}`}>{r.reporter.email}</a> : null}
            </dd>
          </div>
        ) : null}
      </dl>
    </article>
  );
  return (
    <>
      <section className="panel" aria-labelledby="reports-h">
        <h2 id="reports-h">{t('task.reports')}</h2>
        {current.map(card)}
      </section>
      {earlier.length ? (
        <section className="panel" aria-labelledby="earlier-h">
          <h2 id="earlier-h">{t('task.earlierReports')}</h2>
          {earlier.map(card)}
        </section>
      ) : null}
    </>
  );
}
