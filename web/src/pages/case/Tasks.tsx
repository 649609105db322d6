/**
 * The case's tasks: the open ones with their current deadline, the escalations and the accountability findings, and
 * the viewer's own tasks to work on.
 */
import { SUMMARY_PURPOSES, type CaseOpenTask } from '../../../../contracts/cases';
import { isAgencyRole, isCoordinatorRole } from '../../../../contracts/roles';
import { escalationLine } from '../../components/notify';
import { Countdown } from '../../components/status';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { currentDeadline } from '../Inbox';
import { SectionActions } from './Section';
import { TaskLine } from './TaskLine';
import { useCase } from './context';

const CLOSED = ['completed', 'declined', 'withdrawn', 'cancelled'];

const PRINT_LINK = {
  court_petition: { zh: '打印个案摘要（法院申请用）', en: 'Print the case summary (for a court petition)' },
  joint_meeting: { zh: '打印个案摘要（联席会议用）', en: 'Print the case summary (for a joint meeting)' },
} as const;

function taskAgency(task: CaseOpenTask): string {
  return task.agencyCode;
}

export function OpenTasks() {
  const { t, pick, formatDateTime } = useI18n();
  const { view, user, now } = useCase();
  const closed = view.cockpit.tasks.filter((task) => CLOSED.includes(task.status));
  const isAgency = isAgencyRole(user.role);
  const isCoordinator = isCoordinatorRole(user.role);
  const tasks = view.status.openTasks;
  return (
    <section className="panel" aria-labelledby="open-tasks-h" data-section="tasks">
      <h2 id="open-tasks-h">{t('case.openTasks')}</h2>
      {tasks.length === 0 ? (
        <p className="muted">{t('case.openTasksEmpty')}</p>
      ) : (
        <ul className="plain">
          {tasks.map((tk) => {
            const dl = currentDeadline({
              status: tk.acceptedAt ? 'accepted' : 'created',
              acceptBy: tk.acceptBy,
              completeBy: tk.completeBy,
            });
            const mine = isAgency && taskAgency(tk) === user.agencyCode;
            return (
              <li key={tk.taskId}>
                {mine || isCoordinator ? (
                  <Link href={`/tasks/${encodeURIComponent(tk.taskId)}`}>{pick(tk.label) || tk.kind}</Link>
                ) : (
                  <span>{pick(tk.label) || tk.kind}</span>
                )}{' '}
                <span className="muted small">{pick(tk.agencyName)}</span>
                <br />
                <span className="small">{t(dl.phase === 'accept' ? 'deadline.accept' : 'deadline.complete')}</span>{' '}
                <Countdown deadline={dl.at} now={now} />
              </li>
            );
          })}
        </ul>
      )}
      {closed.length > 0 ? (
        <>
          <h3>{t('cockpit.closedTasks')}</h3>
          <ul className="plain" data-testid="closed-tasks">
            {closed.map((task) => (
              <li key={task.taskId}>
                <TaskLine task={task} />
                {task.assignee ? (
                  <span className="small muted" data-testid="task-assignee">
                    {' '}
                    {t('cockpit.assignee', { name: task.assignee })}
                  </span>
                ) : null}
                {task.closedAt ? <span className="small muted"> {formatDateTime(task.closedAt)}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <SectionActions id="tasks" />
    </section>
  );
}

export function Escalations() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const escalations = view.status.escalations;
  if (escalations.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="esc-h">
      <h2 id="esc-h">{t('case.escalations')}</h2>
      <ul className="plain">
        {escalations.map((e, i) => {
          // Which task lapsed, and whose: by name, from the cockpit's tasks (a case holds several at once).
          const task = view.cockpit.tasks.find((tk) => tk.taskId === e.taskId);
          return (
            <li key={`${e.taskId ?? ''}-${e.phase}-${e.rung}-${i}`}>
              {task ? (
                <>
                  <span>{pick(task.label) || task.kind}</span>{' '}
                  <span className="muted small">{pick(task.agency.name)}</span>
                  <br />
                </>
              ) : null}
              {escalationLine(e, t, formatDateTime)}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Findings() {
  const { t, pick, formatDateTime } = useI18n();
  const { view } = useCase();
  const findings = view.status.findings;
  if (findings.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="findings-h">
      <h2 id="findings-h">{t('case.findings')}</h2>
      <ul className="plain">
        {findings.map((f, i) => (
          <li key={i}>
            {f.kind === 'late_report'
              ? t('case.finding.late_report', {
                  unit: f.againstUnitName ? pick(f.againstUnitName) : String(f.againstUnitId ?? ''),
                  discovered: formatDateTime(String(f.discoveredAt ?? '')),
                  reported: formatDateTime(String(f.reportedAt ?? '')),
                  deadline: formatDateTime(String(f.deadline ?? '')),
                })
              : f.kind}{' '}
            {f.clause ? <span className="clause">{f.clause}</span> : null}
            {f.kind === 'late_report' && f.superiorName && typeof f.followUpTaskId === 'string' ? (
              <>
                <br />
                {t('case.finding.toSuperior', { superior: pick(f.superiorName) })}{' '}
                <Link href={`/tasks/${encodeURIComponent(f.followUpTaskId)}`}>{t('case.finding.followUp')}</Link>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The viewer's own open tasks to work on, and the coordinator's way back to the dashboard. */
export function MyTaskActions() {
  const { t, pick } = useI18n();
  const { view, user } = useCase();
  const isAgency = isAgencyRole(user.role);
  const isCoordinator = isCoordinatorRole(user.role);
  const myTasks = view.status.openTasks.filter((tk) => isAgency && taskAgency(tk) === user.agencyCode);
  if (myTasks.length === 0 && !isCoordinator) return null;
  return (
    <section className="panel" aria-labelledby="actions-h">
      <h2 id="actions-h">{t('case.actions')}</h2>
      <ul className="plain">
        {myTasks.map((tk) => (
          <li key={tk.taskId}>
            <Link href={`/tasks/${encodeURIComponent(tk.taskId)}`} className="button">
              {t('case.handleTask')}：{pick(tk.label) || tk.kind}
            </Link>
          </li>
        ))}
        {isCoordinator ? (
          <li>
            <Link href="/dashboard">{t('case.backToDashboard')}</Link>
          </li>
        ) : null}
        {isCoordinator
          ? SUMMARY_PURPOSES.map((purpose) => (
              <li key={purpose}>
                <Link href={`/cases/${encodeURIComponent(view.case.caseId)}/print?purpose=${purpose}`}>
                  {pick(PRINT_LINK[purpose])}
                </Link>
              </li>
            ))
          : null}
      </ul>
    </section>
  );
}
