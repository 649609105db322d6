/** One task of the case in a list: what it is, which agency holds it (by name), and its status in words. */
import type { CockpitView } from '../../../../contracts/cases';
import { useI18n, type MessageKey } from '../../i18n';

type TaskRef = CockpitView['guardianSearch']['tasks'][number];

export function TaskLine({ task }: { task: TaskRef }) {
  const { t, pick } = useI18n();
  return (
    <>
      <span>{pick(task.label) || task.kind}</span> <span className="muted small">{pick(task.agency.name)}</span>{' '}
      <span className="small">{t(`status.${task.status}` as MessageKey)}</span>
    </>
  );
}
