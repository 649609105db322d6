/**
 * The case timeline in words (issue 15 item 3): business events grouped by day, each with the time, what happened
 * (and to which task), who (a person's name and agency, an agency, or the system acting on a rule) and the clause.
 */
import type { TimelineEntry } from '../../../../contracts/timeline';
import { useI18n } from '../../i18n';
import { TIMELINE_KINDS_WORDS } from '../../i18n/timeline';
import { SectionActions } from './Section';
import { useCase } from './context';

export function Timeline() {
  const { t, pick, formatDate, formatTime } = useI18n();
  const { view } = useCase();
  const entries = view.timeline;
  const days = new Map<string, TimelineEntry[]>();
  for (const entry of [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const day = formatDate(entry.at);
    days.set(day, [...(days.get(day) ?? []), entry]);
  }
  const who = (w: TimelineEntry['who']) =>
    w.kind === 'system' ? t('timeline.system') : [w.name, w.agency ? pick(w.agency) : null].filter(Boolean).join(' · ');
  return (
    <section className="panel" aria-labelledby="timeline-h" data-section="timeline">
      <h2 id="timeline-h">{t('case.timeline')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('case.timelineEmpty')}</p>
      ) : (
        [...days].map(([day, list]) => (
          <div key={day} className="timeline-day">
            <h3 className="small">{day}</h3>
            <ol className="timeline" data-testid="timeline">
              {list.map((entry, i) => (
                <li key={`${entry.at}-${i}`} data-kind={entry.kind}>
                  <time dateTime={entry.at}>{formatTime(entry.at)}</time>{' '}
                  <strong>{pick(TIMELINE_KINDS_WORDS[entry.kind])}</strong>
                  {entry.task ? <>：{pick(entry.task.label)}</> : null}
                  {entry.task?.agency && entry.kind === 'task_created' ? <> → {pick(entry.task.agency)}</> : null}
                  {entry.rung !== null ? <> {t('timeline.rung', { rung: entry.rung })}</> : null}
                  {entry.phase ? (
                    <> {t(entry.phase === 'accept' ? 'deadline.accept' : 'deadline.complete')}</>
                  ) : null}{' '}
                  <span className="muted">{who(entry.who)}</span>
                  {entry.clause ? (
                    <>
                      {' '}
                      <span className="clause">{entry.clause}</span>
                    </>
                  ) : null}
                </li>
              ))}
            </ol>
          </div>
        ))
      )}
      <SectionActions id="timeline" />
    </section>
  );
}
