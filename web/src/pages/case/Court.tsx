/** Grounds for revoking guardianship, the petitions they opened, and the court's outcome (CN 四(四)3, FT 三(三)2). */
import { useI18n } from '../../i18n';
import { EvidenceRef, MARK, withEvidence } from '../../components/Evidence';
import { Section } from './Section';
import { useCase } from './context';

export function Court() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const { grounds, petitions } = view.cockpit;
  const caseId = view.case.caseId;
  const evidence = (value: string | null | undefined) => <EvidenceRef caseId={caseId} value={value} />;
  return (
    <Section id="court" title={t('case.section.court')} empty={grounds.length === 0 && petitions.length === 0}>
      {grounds.length ? (
        <>
          <h3>{t('cockpit.grounds')}</h3>
          <ul className="plain">
            {grounds.map((g) => (
              <li key={`${g.ground}-${g.recordedAt}`}>
                {withEvidence(
                  t('cockpit.groundLine', { ground: pick(g.label), petitioner: pick(g.petitioner.name), ref: MARK }),
                  evidence(g.evidenceRef),
                )}{' '}
                <span className="clause">{g.clause}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {petitions.length ? (
        <>
          <h3>{t('cockpit.petitions')}</h3>
          <ul className="plain" data-testid="petitions">
            {petitions.map((p) => (
              <li key={p.petitionTaskId}>
                {t('cockpit.petitionLine', {
                  petitioner: pick(p.petitioner.name),
                  grounds: p.grounds.map((g) => pick(g.label)).join('、'),
                })}
                {p.courtRef ? (
                  <div className="small">
                    {withEvidence(t('cockpit.courtRef', { ref: MARK }), evidence(p.courtRef))}
                  </div>
                ) : null}
                <div data-testid="court-outcome">
                  {p.decision?.result === 'revoked'
                    ? withEvidence(
                        t('cockpit.court.revoked', {
                          ref: p.decision.newGuardianRef,
                          at: formatDateTime(p.decision.designatedAt),
                          judgment: MARK,
                        }),
                        evidence(p.decision.judgmentRef),
                      )
                    : p.decision?.result === 'rejected'
                      ? withEvidence(
                          t('cockpit.court.rejected', { at: formatDateTime(p.decision.decidedAt), judgment: MARK }),
                          evidence(p.decision.judgmentRef),
                        )
                      : t('cockpit.court.pending')}
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Section>
  );
}
