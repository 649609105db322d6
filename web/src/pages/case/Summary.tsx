/** The case's heading: its number, stage, risk and categories. */
import { useI18n, type MessageKey } from '../../i18n';
import { SectionActions } from './Section';
import { useCase } from './context';

export function Summary() {
  const { t } = useI18n();
  const {
    view: { case: c, status },
  } = useCase();
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
      <SectionActions id="summary" />
    </>
  );
}
