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
): { clause: string; label: Bilingual; text: Bilingual; benefitChoices?: BenefitChoice[] } {
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
  const choices = kind === 'joint_assessment' ? benefitChoices(pack) : [];
  return {
    clause: rule.clause,
    label: rule.label,
    text: { zh: zh.join('；'), en: en.join('; ') },
    ...(choices.length > 0 ? { benefitChoices: choices } : {}),
  };
}

export interface BenefitChoice {
  code: string;
  label: Bilingual;
  clause: string;
  standardMonthlyYuan?: number;
}

/** The benefits of the pack's exclusive groups (FT 三(一)1 择高), whose amounts the joint assessment may record. */
export function benefitChoices(pack: PolicyPack | undefined): BenefitChoice[] {
  if (!pack) return [];
  const codes = new Set(pack.exclusiveBenefitGroups.flatMap((g) => g.options.flat()));
  return pack.benefits
    .filter((b) => codes.has(b.code))
    .map((b) => ({
      code: b.code,
      label: b.label,
      clause: b.clause,
      ...(b.standardAmount ? { standardMonthlyYuan: b.standardAmount.monthlyYuan } : {}),
    }));
}
