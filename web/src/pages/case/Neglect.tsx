/** Each episode of a guardian refusing their duties, with the 6-month clock as a bar and the clause it enforces. */
import { ClockBar } from '../../components/ClockBar';
import { useI18n, type MessageKey } from '../../i18n';
import { EvidenceRef } from '../../components/Evidence';
import { Section } from './Section';
import { useCase } from './context';

export function Neglect() {
  const { t, pick, formatDateTime } = useI18n();
  const { view, now } = useCase();
  const episodes = view.cockpit.neglect;
  const caseId = view.case.caseId;
  return (
    <Section id="neglect" title={t('case.section.neglect')} empty={episodes.length === 0}>
      <ul className="plain">
        {episodes.map((n) => (
          <li key={n.since}>
            <p>
              {t('cockpit.neglectSince', { since: formatDateTime(n.since) })}
              {n.childWithoutMeansOfLiving ? `；${t('cockpit.noMeans')}` : ''}
            </p>
            {n.end ? (
              <p className="small">
                {t(`cockpit.neglectEnd.${n.end.reason}` as MessageKey, { at: formatDateTime(n.end.at) })}
              </p>
            ) : n.thresholdReachedAt ? (
              <p className="small">
                {t('cockpit.thresholdReached', { at: formatDateTime(n.thresholdReachedAt) })}{' '}
                <span className="clause">{n.clause}</span>
              </p>
            ) : (
              <ClockBar label={pick(n.label)} clause={n.clause} startedAt={n.since} firesAt={n.firesAt} now={now} />
            )}
            <p className="small muted">
              {t('cockpit.recordedBy', { by: n.recordedBy || '—' })}；
              <EvidenceRef caseId={caseId} value={n.evidenceRef} />
            </p>
          </li>
        ))}
      </ul>
    </Section>
  );
}
