import type { MessageKey, Translate } from '../i18n';

/** Who an escalation rung told (policies/schema.ts ESCALATION_TARGETS), in words. */
export function notifyLabel(target: string, t: Translate): string {
  if (target === 'assignee') return t('notify.assignee');
  const key = `role.${target}` as MessageKey;
  const label = t(key);
  return label === key ? target : label;
}
