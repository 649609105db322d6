/**
 * The part of a child's file the API let through (it filters by the viewer's scope and the task's needs: see
 * fullChildFields and taskChildFields in api/read-models/child-file.ts). Known fields get their label and their
 * values words; anything else shows under its own name so nothing the API sent is hidden. The file's internal id is
 * not shown.
 */
import type { ConcernType } from '../../../contracts/policies';
import { api } from '../api/client';
import { useLoad } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';

const FIELD_LABELS: Record<string, MessageKey> = {
  name: 'report.childName',
  sex: 'report.childSex',
  dateOfBirth: 'report.childDob',
  approximateAge: 'report.childAge',
  idNumber: 'report.childId',
  idNumberOnFile: 'child.idNumberOnFile',
  provisional: 'child.provisional',
  school: 'report.childSchool',
  address: 'report.address',
  place: 'child.residence',
  residence: 'child.residence',
  householdRegistration: 'child.householdRegistration',
  districtCode: 'child.districtCode',
  guardians: 'child.guardians',
  categories: 'child.categories',
  benefits: 'child.benefits',
  riskLevel: 'case.risk',
  leftBehind: 'child.leftBehind',
  multipleDifficulty: 'child.multipleDifficulty',
  recordSealed: 'child.recordSealed',
  concerns: 'report.concerns',
};

/** Not shown: the database id, and a merge pointer that is empty unless the file was merged. */
const HIDDEN = new Set(['id']);

export function ChildFile({
  child,
  concernTypes = [],
}: {
  child: Record<string, unknown> | null | undefined;
  concernTypes?: ConcernType[];
}) {
  const { t, pick, formatDate } = useI18n();
  // Names, not codes: the packs name the concerns, categories, benefits and the district; the directory the streets and
  // committees (an agency's place). Until they load, or if the viewer may not list them, the code stays.
  const policies = useLoad(() => api.policies(), []);
  const districtCode = typeof child?.districtCode === 'string' ? child.districtCode : placeOf(child)?.districtCode;
  const agencies = useLoad(
    () => (districtCode ? api.agencies(districtCode) : Promise.resolve({ items: [] })),
    [districtCode],
  );
  const packs = policies.status === 'ready' ? policies.data : [];
  const labelIn = (items: readonly ConcernType[], code: unknown) =>
    pick(items.find((c) => c.code === code)?.label) || String(code);
  const concerns = concernTypes.length > 0 ? concernTypes : packs.flatMap((p) => p.concernTypes);
  const categories = packs.flatMap((p) => p.categoryTypes ?? []);
  const benefits = packs.flatMap((p) => p.benefitTypes ?? []);
  const districtName = (code: unknown) =>
    pick(packs.find((p) => p.district.code === code)?.district.name) || String(code);
  const places = agencies.status === 'ready' ? agencies.data.items : [];
  const streetName = (code: unknown) =>
    pick(places.find((a) => a.type === 'street_office' && a.jurisdiction.streetCode === code)?.name) || String(code);
  const committeeName = (code: unknown) =>
    pick(places.find((a) => a.level === 'committee' && a.jurisdiction.committeeCode === code)?.name) || String(code);
  const word = (prefix: string, code: unknown) => {
    const key = `${prefix}.${String(code)}`;
    const text = t(key as MessageKey);
    return text === key ? String(code) : text;
  };
  // The flags object is shown as one row per flag.
  const flat: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(child ?? {})) {
    if (HIDDEN.has(k) || v === undefined || v === null || v === '') continue;
    if (k === 'flags' && v && typeof v === 'object' && !Array.isArray(v)) flat.push(...Object.entries(v));
    else flat.push([k, v]);
  }
  if (flat.length === 0) return <p className="muted">{t('task.childNone')}</p>;

  const yesNo = (v: boolean) => t(v ? 'form.yes' : 'form.no');
  const place = (v: Record<string, unknown>) =>
    [
      typeof v.districtCode === 'string' && v.districtCode ? districtName(v.districtCode) : '',
      typeof v.streetCode === 'string' && v.streetCode ? streetName(v.streetCode) : '',
      typeof v.committeeCode === 'string' && v.committeeCode ? committeeName(v.committeeCode) : '',
    ]
      .filter(Boolean)
      .join(' / ');
  const show = (key: string, v: unknown): string => {
    if (key === 'sex' && (v === 'male' || v === 'female' || v === 'unknown')) return t(`report.sex.${v}`);
    if (key === 'riskLevel' && typeof v === 'string') return t(`risk.${v}` as MessageKey);
    if (key === 'provisional' && typeof v === 'boolean') return t(v ? 'child.provisionalYes' : 'child.provisionalNo');
    if (key === 'idNumberOnFile' && typeof v === 'boolean') return t(v ? 'child.onFile' : 'child.notOnFile');
    if (key === 'dateOfBirth' && typeof v === 'string') return formatDate(v);
    if (key === 'concerns' && Array.isArray(v)) return v.map((code) => labelIn(concerns, code)).join('、');
    if (key === 'categories' && Array.isArray(v) && v.length > 0)
      return v.map((c) => labelIn(categories, c)).join('、');
    if (key === 'benefits' && Array.isArray(v) && v.length > 0) return v.map((c) => labelIn(benefits, c)).join('、');
    if (key === 'districtCode' && typeof v === 'string') return districtName(v);
    if (key === 'guardians' && Array.isArray(v)) {
      if (v.length === 0) return t('child.none');
      return v
        .map((g: Record<string, unknown>) =>
          [
            g.name,
            g.relation ? word('guardian.relation', g.relation) : '',
            g.status ? word('guardian.status', g.status) : '',
            g.phone,
          ]
            .filter((x) => typeof x === 'string' && x)
            .join('，'),
        )
        .join('；');
    }
    if (Array.isArray(v)) return v.length === 0 ? t('child.none') : v.map(String).join('、');
    if (typeof v === 'boolean') return yesNo(v);
    if (typeof v === 'object') return place(v as Record<string, unknown>) || JSON.stringify(v);
    return String(v);
  };
  return (
    <dl className="kv" data-testid="child-file">
      {flat.map(([k, v]) => (
        <div key={k} className="kv__row">
          <dt>{FIELD_LABELS[k] ? t(FIELD_LABELS[k]) : k}</dt>
          <dd>{show(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function placeOf(child: Record<string, unknown> | null | undefined): { districtCode?: string } | undefined {
  const v = child?.place ?? child?.residence;
  return v && typeof v === 'object' ? (v as { districtCode?: string }) : undefined;
}
