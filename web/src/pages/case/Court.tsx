/** Revocation grounds, the petition to the court and its outcome. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Court() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="court" title={t('case.section.court')} empty emptyText={t('case.sectionEmpty')} />;
}
