/** The child's classification and the benefits decided by the pack's rules (granted, and excluded by 择高 with the reason). */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Benefits() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="benefits" title={t('case.section.benefits')} empty emptyText={t('case.sectionEmpty')} />;
}
