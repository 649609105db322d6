/** The legal steps taken against a guardian (CN 四(四)3), in the order they were taken, with who took them. */
import { useI18n, type MessageKey } from '../../i18n';
import { EvidenceRef, MARK, withEvidence } from '../../components/Evidence';
import { Section } from './Section';
import { useCase } from './context';

export function LegalSteps() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const caseId = view.case.caseId;
  const steps = view.cockpit.legalSteps;
  return (
    <Section id="legal" title={t('case.section.legal')} empty={steps.length === 0}>
      <ol>
        {steps.map((s) => (
          <li key={`${s.step}-${s.recordedAt}`}>
            <strong>{t(`cockpit.legalStep.${s.step}` as MessageKey)}</strong>{' '}
            <span className="small">
              {withEvidence(
                t('cockpit.legalLine', {
                  at: formatDateTime(s.occurredAt),
                  agency: pick(s.agency.name),
                  by: s.recordedBy || '—',
                  ref: MARK,
                }),
                <EvidenceRef caseId={caseId} value={s.evidenceRef} />,
              )}
              {s.clause ? (
                <>
                  {' '}
                  <span className="clause">{s.clause}</span>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ol>
    </Section>
  );
}
