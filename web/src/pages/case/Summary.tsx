/** The case's heading: its number, stage, risk and categories. */
import { useI18n, type MessageKey } from '../../i18n';
import { SectionActions } from './Section';
import { useCase } from './context';

export function Summary() {
  const { t, pick, formatDateTime } = useI18n();
  const {
    view: { case: c, status, child, cockpit },
  } = useCase();
  const childName = typeof child.name === 'string' ? child.name : undefined;
  const age = typeof child.approximateAge === 'number' ? child.approximateAge : undefined;
  return (
    <>
      <h1 id="case-title">{t('case.title', { number: c.caseNumber ?? c.caseId })}</h1>
      <dl className="kv kv--inline" data-testid="case-summary">
        {childName ? (
          <>
            <dt>{t('case.childName')}</dt>
            <dd data-testid="case-child">
              {childName}
              {age !== undefined ? `，${t('case.childAge', { n: age })}` : ''}
            </dd>
          </>
        ) : null}
        {c.streetName ? (
          <>
            <dt>{t('case.street')}</dt>
            <dd>{pick(c.streetName)}</dd>
          </>
        ) : null}
        <dt>{t('case.stage')}</dt>
        <dd>
          <strong data-testid="case-stage" data-stage={status.stage}>
            {t(`stage.${status.stage}` as MessageKey)}
          </strong>
        </dd>
        <dt>{t('case.risk')}</dt>
        <dd>
          <span className={`risk risk--${c.risk}`} data-testid="case-risk" data-risk={c.risk}>
            {t(`risk.${c.risk}` as MessageKey)}
          </span>
        </dd>
        {cockpit.classification?.categories.length ? (
          <>
            <dt>{t('case.categories')}</dt>
            <dd>{cockpit.classification.categories.map((k) => pick(k.label)).join('、')}</dd>
          </>
        ) : null}
      </dl>
      {cockpit.closure ? (
        <p data-testid="case-closure">
          {t('cockpit.closure', {
            at: formatDateTime(cockpit.closure.at),
            by: cockpit.closure.approvedBy || '—',
            reason: cockpit.closure.reason,
          })}
        </p>
      ) : null}
      {cockpit.source === 'projection' ? <p className="muted small">{t('cockpit.fromProjection')}</p> : null}
      <SectionActions id="summary" />
    </>
  );
}
