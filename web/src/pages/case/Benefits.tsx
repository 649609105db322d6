/**
 * The child's classification (CN 一, FT 二) and benefits (CN 三, FT 三(一)1) as the pack's rules decided them over the
 * joint assessment's facts: the categories with their clauses, multiple difficulty, the benefits granted, and those
 * dropped by 择高 with the group, its clause and what was kept instead.
 */
import { useI18n } from '../../i18n';
import { Section } from './Section';
import { useCase } from './context';

export function Benefits() {
  const { t, pick } = useI18n();
  const { view } = useCase();
  const { classification, benefits } = view.cockpit;
  return (
    <Section
      id="benefits"
      title={t('case.section.benefits')}
      empty={!classification && !benefits}
      emptyText={t('cockpit.notAssessed')}
    >
      {classification ? (
        <>
          <h3>{t('cockpit.categories')}</h3>
          <ul className="plain" data-testid="categories">
            {classification.categories.map((c) => (
              <li key={c.code}>
                {pick(c.label)} <span className="clause">{c.clause}</span>
              </li>
            ))}
          </ul>
          {classification.multipleDifficulty ? <p className="badge">{t('cockpit.multipleDifficulty')}</p> : null}
          {classification.leftBehind ? (
            <p className="small">
              {t('cockpit.leftBehind')}
              {classification.leftBehindHandledAsDifficulty ? `：${t('cockpit.leftBehindAsDifficulty')}` : ''}
            </p>
          ) : null}
        </>
      ) : null}
      {benefits ? (
        <>
          <h3>{t('cockpit.granted')}</h3>
          {benefits.granted.length === 0 ? <p className="muted">{t('cockpit.noneGranted')}</p> : null}
          <ul className="plain" data-testid="benefits-granted">
            {benefits.granted.map((b) => (
              <li key={b.code}>
                {pick(b.label)} <span className="clause">{b.clause}</span>
              </li>
            ))}
          </ul>
          {benefits.excluded.length ? (
            <>
              <h3>{t('cockpit.excluded')}</h3>
              <ul className="plain" data-testid="benefits-excluded">
                {benefits.excluded.map((b) => (
                  <li key={b.code}>
                    {t('cockpit.excludedLine', {
                      benefit: pick(b.label),
                      group: pick(b.group),
                      clause: b.groupClause,
                      kept: b.keptInstead.map(pick).join('、'),
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}
