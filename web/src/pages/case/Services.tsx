/** The services during placement (CN 四(四)): one task per service with its agency, and those still to open. */
import { useI18n } from '../../i18n';
import { Section } from './Section';
import { TaskLine } from './TaskLine';
import { useCase } from './context';

export function Services() {
  const { t, pick } = useI18n();
  const { view } = useCase();
  const { tasks, pending } = view.cockpit.services;
  return (
    <Section id="services" title={t('case.section.services')} empty={tasks.length === 0 && pending.length === 0}>
      {tasks.length === 0 ? <p className="muted">{t('cockpit.noServices')}</p> : null}
      <ul className="plain">
        {tasks.map((task) => (
          <li key={task.taskId}>
            <TaskLine task={task} />
          </li>
        ))}
      </ul>
      {pending.length ? (
        <p className="small">
          {t('cockpit.pendingServices')}：{pending.map((p) => pick(p.label)).join('、')}
        </p>
      ) : null}
    </Section>
  );
}
