/** The search for a guardian, agency by agency: who was asked, who refused, who resumed care. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function GuardianSearch() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="guardian" title={t('case.section.guardian')} empty emptyText={t('case.sectionEmpty')} />;
}
