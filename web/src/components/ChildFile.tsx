/**
 * The part of a child's file the API let through (it filters by the viewer's scope and the task's needs). Known
 * fields get their label; anything else shows under its own name so nothing the API sent is hidden.
 */
import { useI18n, type MessageKey } from '../i18n';

const FIELD_LABELS: Record<string, MessageKey> = {
  name: 'report.childName',
  sex: 'report.childSex',
  dateOfBirth: 'report.childDob',
  approximateAge: 'report.childAge',
  idNumber: 'report.childId',
  school: 'report.childSchool',
  address: 'report.address',
  concerns: 'report.concerns',
};

export function ChildFile({ child }: { child: Record<string, unknown> | null | undefined }) {
  const { t } = useI18n();
  const entries = Object.entries(child ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (entries.length === 0) return <p className="muted">{t('task.childNone')}</p>;
  const show = (key: string, v: unknown): string => {
    if (key === 'sex' && (v === 'male' || v === 'female' || v === 'unknown')) return t(`report.sex.${v}`);
    if (Array.isArray(v)) return v.map(String).join('、');
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  return (
    <dl className="kv" data-testid="child-file">
      {entries.map(([k, v]) => (
        <div key={k} className="kv__row">
          <dt>{FIELD_LABELS[k] ? t(FIELD_LABELS[k]) : k}</dt>
          <dd>{show(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
