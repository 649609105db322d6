/**
 * The words for a running clock. The API (case status, indicators) labels clocks in English only: a task's deadline
 * as "<task kind> accepted|completed" (workflows/case.workflow.ts pendingClocks) and a case clock with the English
 * text of the pack's deadline (workflows/clocks.ts clockFor). The policy pack the case is pinned to has both
 * languages for each, so the pages look the words up there; the API's text is the fallback.
 */
import { api } from './api/client';
import type { Bilingual } from '../../contracts/common';
import { useLoad } from './hooks';
import type { Translate } from './i18n';

interface TaskKindWords {
  label?: Bilingual;
  accept?: { label?: Bilingual };
  complete?: { label?: Bilingual };
}

export interface PackWords {
  /** Every { zh, en } text in the pack, by its English wording. */
  texts: Map<string, Bilingual>;
  taskKinds: Record<string, TaskKindWords>;
}

function isBilingual(v: unknown): v is Bilingual {
  return (
    !!v && typeof v === 'object' && typeof (v as Bilingual).zh === 'string' && typeof (v as Bilingual).en === 'string'
  );
}

function collect(value: unknown, into: Map<string, Bilingual>): void {
  if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (isBilingual(value)) into.set(value.en, { zh: value.zh, en: value.en });
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v, into);
}

export function packWords(pack: Record<string, unknown> | null | undefined): PackWords | undefined {
  if (!pack) return undefined;
  const texts = new Map<string, Bilingual>();
  collect(pack, texts);
  const kinds = pack.taskKinds;
  return { texts, taskKinds: kinds && typeof kinds === 'object' ? (kinds as Record<string, TaskKindWords>) : {} };
}

/** The words of one pack (a pinned version when given); undefined while loading or if it cannot be read. */
export function usePackWords(packId: string | null | undefined, version?: string | null): PackWords | undefined {
  const pack = useLoad(
    () => (packId ? api.policy(packId, version) : Promise.resolve(null)),
    [packId ?? '', version ?? ''],
  );
  return pack.status === 'ready' ? packWords(pack.data) : undefined;
}

const TASK_CLOCK = /^([a-z_]+) (accepted|completed)$/;

/** "公安机关应急处置：受理报案" for "police_response accepted"; the pack's words for a case clock. */
export function clockName(
  label: string,
  words: PackWords | undefined,
  t: Translate,
  pick: (text: Bilingual | string | undefined | null) => string,
): string {
  const m = TASK_CLOCK.exec(label);
  if (m) {
    const [, kind, phase] = m as unknown as [string, string, 'accepted' | 'completed'];
    const k = words?.taskKinds[kind];
    const task = k?.label ? pick(k.label) : kind;
    const step = phase === 'accepted' ? k?.accept?.label : k?.complete?.label;
    return step
      ? t('case.clockTask', { task, step: pick(step) })
      : t(phase === 'accepted' ? 'case.clockAccept' : 'case.clockComplete', { task });
  }
  const text = words?.texts.get(label);
  return text ? pick(text) : label;
}
