/** What happened on the case, oldest first, in words, with who did it. */
import { useI18n } from '../../i18n';
import { TIMELINE_ACTIONS, timelineActor } from '../../i18n/timeline';
import { SectionActions } from './Section';
import { useCase } from './context';

export function Timeline() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const timeline = view.timeline;
  const actorName = (actor: string) => {
    const a = timelineActor(actor);
    return a.kind === 'system' ? t('timeline.system') : a.kind === 'user' ? t('timeline.user', { id: a.id! }) : actor;
  };
  return (
    <section className="panel" aria-labelledby="timeline-h" data-section="timeline">
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
      <SectionActions id="timeline" />
    </section>
  );
}
