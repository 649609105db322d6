/** The child's placements: kind, site, start, cap, reminders, decisions, extensions and the police certificate. */
import { useI18n } from '../../i18n';
import { Section } from './Section';

export function Placements() {
  const { t } = useI18n();
  // The case view does not carry this workflow's state yet: the section shows only when it has actions.
  return <Section id="placements" title={t('case.section.placements')} empty emptyText={t('case.sectionEmpty')} />;
}
