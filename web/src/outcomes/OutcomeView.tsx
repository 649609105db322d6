/**
 * A recorded outcome in words, read back from the task (the same shape the outcome form sent: see ./types.ts).
 * Field names and coded values use the outcome form's own labels ("outcome.custody" → "处置后儿童去向",
 * "remains_with_guardian" → "仍由监护人照料"), a kind's own word first ("outcome.guardian_search.found"); times are
 * shown in the user's time zone; anything without a label shows as the API sent it, so nothing recorded is hidden.
 */
import type { ReactNode } from 'react';
import type { ConcernType } from '../../../contracts/policies';
import { useI18n, type MessageKey } from '../i18n';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function OutcomeView({
  outcome,
  concernTypes,
}: {
  outcome: Record<string, unknown>;
  concernTypes: ConcernType[];
}) {
  const { t, pick, formatDateTime } = useI18n();
  /** The message for a key, or undefined when there is none (t answers a missing key with the key itself). */
  const word = (key: string): string | undefined => {
    const text = t(key as MessageKey);
    return text === key ? undefined : text;
  };
  // A field whose word differs by task kind ("found" of a guardian search) is "outcome.<kind>.<field>".
  const kind = typeof outcome.kind === 'string' ? outcome.kind : undefined;
  const label = (key: string, parent?: string) =>
    key === 'concern'
      ? t('report.concerns')
      : (parent && word(`outcome.${parent}.${key}`)) ||
        (!parent && kind && word(`outcome.${kind}.${key}`)) ||
        word(`outcome.${key}`) ||
        key;

  const value = (key: string, v: unknown, parent?: string): ReactNode => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return t(v ? 'form.yes' : 'form.no');
    if (typeof v === 'string') {
      if (key === 'concern') return pick(concernTypes.find((c) => c.code === v)?.label) || v;
      if (ISO_INSTANT.test(v)) return formatDateTime(v);
      // A coded value: "outcome.<field>.<value>", or for a "kind" inside an object, "outcome.<object>.<value>".
      return (
        word(`outcome.${key}.${v}`) ?? (key === 'kind' && parent ? word(`outcome.${parent}.${v}`) : undefined) ?? v
      );
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return '—';
      if (v.every((x) => typeof x !== 'object' || x === null))
        return v.map((x) => String(value(key, x, parent))).join('、');
      return (
        <ol className="plain">
          {v.map((item, i) => (
            <li key={i}>{value(key, item, parent)}</li>
          ))}
        </ol>
      );
    }
    if (typeof v === 'object') {
      const record = v as Record<string, unknown>;
      // { kind: "remains_with_guardian" } says it all in one word.
      const keys = Object.keys(record);
      if (keys.length === 1 && keys[0] === 'kind') return value('kind', record.kind, key);
      return <Fields record={record} parent={key} />;
    }
    return String(v);
  };

  function Fields({ record, parent }: { record: Record<string, unknown>; parent?: string }) {
    const entries = Object.entries(record).filter(([k]) => !(parent === undefined && k === 'kind'));
    return (
      <dl className="kv">
        {entries.map(([k, v]) => (
          <div key={k} className="kv__row">
            <dt>{k === 'kind' && parent ? label(parent) : label(k, parent)}</dt>
            <dd>{value(k, v, parent)}</dd>
          </div>
        ))}
      </dl>
    );
  }

  return (
    <div data-testid="recorded-outcome">
      <Fields record={outcome} />
    </div>
  );
}
