/**
 * What an accountability task is about (issue #17 item 6): the late report a superior follows up (CN 四(一)), or the
 * agency's tasks that ran through their whole escalation ladder (FT 三(三)2(4)). Agencies by name, never by code.
 */
import type { TaskSubjectView } from '../../../contracts/tasks';
import { humanizeDurations } from '../format';
import { useI18n } from '../i18n';

export function TaskSubject({ subject }: { subject: TaskSubjectView }) {
  const { t, pick, formatDateTime } = useI18n();
  if (subject.kind === 'late_report') {
    return (
      <section className="panel" aria-labelledby="subject-h" data-testid="task-subject">
        <h2 id="subject-h">{t('subject.lateReport')}</h2>
        <dl className="kv">
          <dt>{t('subject.lateReport.unit')}</dt>
          <dd>{pick(subject.againstUnit.name)}</dd>
          <dt>{t('subject.lateReport.discoveredAt')}</dt>
          <dd>{formatDateTime(subject.discoveredAt)}</dd>
          <dt>{t('subject.lateReport.deadline')}</dt>
          <dd>{formatDateTime(subject.deadline)}</dd>
          <dt>{t('subject.lateReport.reportedAt')}</dt>
          <dd>{formatDateTime(subject.reportedAt)}</dd>
          <dt>{t('inbox.clause')}</dt>
          <dd>
            <span className="clause">{subject.clause}</span>
          </dd>
        </dl>
      </section>
    );
  }
  return (
    <section className="panel" aria-labelledby="subject-h" data-testid="task-subject">
      <h2 id="subject-h">{t('subject.exhaustion')}</h2>
      <dl className="kv">
        <dt>{t('subject.exhaustion.agency')}</dt>
        <dd>{pick(subject.againstAgency.name)}</dd>
      </dl>
      <p>
        {t('subject.exhaustion.count', {
          count: subject.exhaustions.length,
          period: humanizeDurations(subject.period, t),
          threshold: subject.threshold,
        })}
      </p>
      <ul>
        {subject.exhaustions.map((e) => (
          <li key={`${e.taskId}-${e.phase}`}>
            {t('subject.exhaustion.task', {
              kind: pick(e.label) || e.kind,
              phase: t(e.phase === 'accept' ? 'deadline.accept' : 'deadline.complete'),
              at: formatDateTime(e.at),
            })}
          </li>
        ))}
      </ul>
      <p>
        <span className="clause">{subject.clause}</span>
      </p>
    </section>
  );
}
