/** The search for a guardian (CN 四(三)), agency by agency, and whether and when the guardian was found. */
import { useI18n } from '../../i18n';
import { Section } from './Section';
import { TaskLine } from './TaskLine';
import { useCase } from './context';

export function GuardianSearch() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const search = view.cockpit.guardianSearch;
  return (
    <Section id="guardian" title={t('case.section.guardian')} empty={search.tasks.length === 0 && !search.foundAt}>
      <p data-testid="guardian-found">
        {search.foundAt
          ? search.foundBy
            ? t('cockpit.guardianFoundBy', { at: formatDateTime(search.foundAt), agency: pick(search.foundBy.name) })
            : t('cockpit.guardianFound', { at: formatDateTime(search.foundAt) })
          : t('cockpit.guardianNotFound')}
      </p>
      <ul className="plain">
        {search.tasks.map((task) => (
          <li key={task.taskId}>
            <TaskLine task={task} />
          </li>
        ))}
      </ul>
      {search.returnAssessmentDoneAt ? (
        <p className="small">{t('cockpit.returnAssessed', { at: formatDateTime(search.returnAssessmentDoneAt) })}</p>
      ) : null}
    </Section>
  );
}
