/**
 * The child's placements (CN 四(三)): kind, site, responsible agency, start, cap as a bar with its clause, reminders
 * and overruns, extensions with who approved them and why, the police certificate, and the decision.
 */
import { ClockBar } from '../../components/ClockBar';
import { humanizeDurations } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { EvidenceRef, MARK, withEvidence } from '../../components/Evidence';
import { Section } from './Section';
import { useCase } from './context';

export function Placements() {
  const { t, pick, formatDateTime } = useI18n();
  const { view, now } = useCase();
  const { placements, policeCertificate } = view.cockpit;
  return (
    <Section id="placements" title={t('case.section.placements')} empty={placements.length === 0}>
      <ul className="plain" data-testid="placements">
        {placements.map((p) => (
          <li key={p.placementId} data-placement={p.placementId} data-status={p.status}>
            <strong>{t(`cockpit.term.${p.term}` as MessageKey)}</strong>{' '}
            <span className="muted small">{t(`cockpit.placementStatus.${p.status}` as MessageKey)}</span>
            <dl className="kv">
              <dt>{t('cockpit.site')}</dt>
              <dd>{pick(p.site.name)}</dd>
              <dt>{t('cockpit.responsible')}</dt>
              <dd>{pick(p.agency.name)}</dd>
              <dt>{t('cockpit.startedAt')}</dt>
              <dd>{formatDateTime(p.startedAt)}</dd>
              <dt>{t('cockpit.endsAt')}</dt>
              <dd>
                {formatDateTime(p.endsAt)} <span className="clause">{p.clause}</span>
              </dd>
            </dl>
            {p.status === 'running' ? (
              <ClockBar
                label={t(`cockpit.term.${p.term}` as MessageKey)}
                clause={p.clause}
                startedAt={p.startedAt}
                firesAt={p.endsAt}
                now={now}
              />
            ) : null}
            <ul className="plain small">
              {p.capReachedAt ? <li>{t('cockpit.capReached', { at: formatDateTime(p.capReachedAt) })}</li> : null}
              {p.reminders.length ? <li>{t('cockpit.reminders', { n: p.reminders.length })}</li> : null}
              {p.overruns.length ? <li>{t('cockpit.overruns', { n: p.overruns.length })}</li> : null}
              {p.extensions.map((e) => (
                <li key={e.approvedAt}>
                  {t('cockpit.extension', {
                    by: e.approvedBy || '—',
                    span: humanizeDurations(e.extendBy, t),
                    until: formatDateTime(e.endsAt),
                    reason: e.reason,
                  })}
                </li>
              ))}
              <li data-testid="placement-certificate">
                {(() => {
                  const certificate = p.certificate ?? policeCertificate;
                  if (!certificate) return t('cockpit.noCertificate');
                  return withEvidence(
                    `${t('cockpit.certificate')}：${t('cockpit.certificateLine', {
                      ref: MARK,
                      at: formatDateTime(certificate.issuedAt),
                      agency: pick(certificate.agency.name),
                      by: certificate.recordedBy,
                    })}`,
                    <EvidenceRef caseId={view.case.caseId} value={certificate.certificateRef} />,
                  );
                })()}
              </li>
              <li>
                {t('cockpit.decision')}：
                {p.decision
                  ? t('cockpit.decisionLine', {
                      kind: t(`cockpit.decision.${p.decision.kind}` as MessageKey),
                      by: p.decision.decidedBy || '—',
                      at: formatDateTime(p.decision.decidedAt),
                    })
                  : t('cockpit.decisionPending')}
                {p.decision?.reason ? `：${p.decision.reason}` : ''}
              </li>
              {p.endedAt ? <li>{t('cockpit.endedAt', { at: formatDateTime(p.endedAt) })}</li> : null}
            </ul>
          </li>
        ))}
      </ul>
    </Section>
  );
}
