/** What the pinned policy pack says about a task kind: its label, clause and what it asks, for task and case views. */
import { getPolicyPack, type PolicyPack } from '../../policies';
import type { TaskKindRule } from '../../policies/schema';

export type Bilingual = { zh: string; en: string };

export function pinnedPack(id?: string | null, version?: string | null): PolicyPack | undefined {
  if (!id || !version) return undefined;
  try {
    return getPolicyPack(id, version);
  } catch {
    // A case pinned to a pack this process does not bundle: views fall back to the task kind's code.
    return undefined;
  }
}

export function taskRule(pack: PolicyPack | undefined, kind: string): TaskKindRule | undefined {
  return pack?.taskKinds[kind];
}

export function taskLabel(pack: PolicyPack | undefined, kind: string): Bilingual {
  return taskRule(pack, kind)?.label ?? { zh: kind, en: kind };
}

/** The policy behind a task: its clause, its label, and in words what the pack asks and by when. */
export function taskPolicy(
  pack: PolicyPack | undefined,
  kind: string,
  concerns: readonly string[],
): { clause: string; label: Bilingual; text: Bilingual } {
  const rule = taskRule(pack, kind);
  if (!rule) return { clause: '', label: { zh: kind, en: kind }, text: { zh: '', en: '' } };
  const zh = [
    `${rule.accept.label.zh}：${rule.accept.duration}（${rule.accept.clause}）`,
    `${rule.complete.label.zh}：${rule.complete.duration}（${rule.complete.clause}）`,
  ];
  const en = [
    `${rule.accept.label.en}: within ${rule.accept.duration} (${rule.accept.clause})`,
    `${rule.complete.label.en}: within ${rule.complete.duration} (${rule.complete.clause})`,
  ];
  for (const code of concerns) {
    const concern = pack?.concernTypes.find((c) => c.code === code);
    if (!concern) continue;
    zh.push(`${concern.label.zh}：${concern.policeAction.zh}（${concern.clause}）`);
    en.push(`${concern.label.en}: ${concern.policeAction.en} (${concern.clause})`);
  }
  return { clause: rule.clause, label: rule.label, text: { zh: zh.join('；'), en: en.join('; ') } };
}
