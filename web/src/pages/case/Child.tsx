/** The child's file as far as the viewer's scope allows (the API filters it and audits the read). */
import { ChildFile } from '../../components/ChildFile';
import { useI18n } from '../../i18n';
import { Section } from './Section';
import { useCase } from './context';

export function Child() {
  const { t } = useI18n();
  const { view } = useCase();
  return (
    <Section id="child" title={t('case.child')}>
      <ChildFile child={view.child} />
    </Section>
  );
}
