/** The escort of the child: who took the child where, and when. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Escort() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="escort" title={t('case.section.escort')} empty emptyText={t('case.sectionEmpty')} />;
}
