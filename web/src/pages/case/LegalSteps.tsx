/** The legal steps taken against a guardian (批评教育, 告诫书, penalty, judicial transfer), in the order the law sets. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function LegalSteps() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="legal" title={t('case.section.legal')} empty emptyText={t('case.sectionEmpty')} />;
}
