/** The services given to the child and the family. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Services() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="services" title={t('case.section.services')} empty emptyText={t('case.sectionEmpty')} />;
}
