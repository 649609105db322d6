import type { MessageKey, Translate } from '../i18n';

/** Who an escalation rung told (policies/schema.ts ESCALATION_TARGETS), in words. */
export function notifyLabel(target: string, t: Translate): string {
  if (target === 'assignee') return t('notify.assignee');
  const key = `role.${target}` as MessageKey;
  const label = t(key);
  return label === key ? target : label;
}

/** One rung of a task's escalation ladder, as the task page and the case page list it: '第 1 级：通知 …（clause），于 …'. */
export function escalationLine(
  e: { rung: number; notify: string; clause: string; at: string },
  t: Translate,
  formatDateTime: (iso: string) => string,
): string {
  return t('task.escalation', {
    rung: e.rung,
    notify: notifyLabel(e.notify, t),
    clause: e.clause,
    at: formatDateTime(e.at),
  });
}
