/** Neglect episodes and the 6-month clock that opens a petition. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Neglect() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="neglect" title={t('case.section.neglect')} empty emptyText={t('case.sectionEmpty')} />;
}
