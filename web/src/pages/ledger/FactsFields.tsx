/**
 * The ledger facts a committee or street keeps about a child (FT 二(一) categories, 二(二) left-behind, 三(一)4(1) the
 * migrant parents' care arrangement): the same fields when enrolling and when editing, each with its error (the API's
 * dotted path: "arrangement.caregiverName", "guardians.0.phone") right below it.
 */
import type { ConcernType } from '../../../../contracts/policies';
import { GUARDIAN_RELATIONS, GUARDIAN_STATUSES, RISK_LEVELS } from '../../../../contracts/enums';
import { Field, FieldGroup, fieldId, type FieldErrors } from '../../components/form';
import { useI18n, type MessageKey } from '../../i18n';

export interface GuardianDraft {
  name: string;
  relation: string;
  phone: string;
  status: string;
}

export interface FactsDraft {
  categories: string[];
  leftBehind: boolean;
  riskLevel: string;
  school: string;
  guardians: GuardianDraft[];
  hasArrangement: boolean;
  arrangement: {
    caregiverName: string;
    relation: string;
    phone: string;
    since: string;
    parentsWorkplace: string;
    parentsPhone: string;
  };
}

export function emptyFacts(): FactsDraft {
  return {
    categories: [],
    leftBehind: false,
    riskLevel: '',
    school: '',
    guardians: [],
    hasArrangement: false,
    arrangement: { caregiverName: '', relation: '', phone: '', since: '', parentsWorkplace: '', parentsPhone: '' },
  };
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

/** The API's shape of the facts (empty fields left out, so the API's own defaults apply). */
export function factsBody(d: FactsDraft) {
  return {
    categories: d.categories,
    leftBehind: d.leftBehind,
    riskLevel: (opt(d.riskLevel) as (typeof RISK_LEVELS)[number] | undefined) ?? undefined,
    guardians: d.guardians.map((g) => ({
      name: g.name.trim(),
      relation: g.relation as (typeof GUARDIAN_RELATIONS)[number],
      phone: opt(g.phone),
      status: opt(g.status) as (typeof GUARDIAN_STATUSES)[number] | undefined,
    })),
    arrangement: d.hasArrangement
      ? {
          caregiverName: d.arrangement.caregiverName.trim(),
          relation: d.arrangement.relation.trim(),
          phone: opt(d.arrangement.phone),
          since: opt(d.arrangement.since),
          parentsWorkplace: opt(d.arrangement.parentsWorkplace),
          parentsPhone: opt(d.arrangement.parentsPhone),
        }
      : undefined,
  };
}

/** Labels for the error summary, by the API's field path. */
export function factsLabels(t: (k: MessageKey, v?: Record<string, string | number>) => string, d: FactsDraft) {
  const labels: Record<string, string> = {
    categories: t('ledger.enrol.categories'),
    leftBehind: t('ledger.enrol.leftBehind'),
    riskLevel: t('ledger.enrol.risk'),
    school: t('ledger.enrol.school'),
    guardians: t('ledger.enrol.guardians'),
    arrangement: t('ledger.enrol.arrangement'),
    'arrangement.caregiverName': t('ledger.enrol.caregiverName'),
    'arrangement.relation': t('ledger.enrol.caregiverRelation'),
    'arrangement.phone': t('ledger.enrol.caregiverPhone'),
    'arrangement.since': t('ledger.enrol.since'),
    'arrangement.parentsWorkplace': t('ledger.enrol.parentsWorkplace'),
    'arrangement.parentsPhone': t('ledger.enrol.parentsPhone'),
  };
  d.guardians.forEach((_, i) => {
    const n = t('ledger.enrol.guardian', { n: i + 1 });
    labels[`guardians.${i}.name`] = `${n} ${t('ledger.enrol.guardianName')}`;
    labels[`guardians.${i}.relation`] = `${n} ${t('ledger.enrol.guardianRelation')}`;
    labels[`guardians.${i}.phone`] = `${n} ${t('ledger.enrol.guardianPhone')}`;
    labels[`guardians.${i}.status`] = `${n} ${t('ledger.enrol.guardianStatus')}`;
  });
  return labels;
}

export function FactsFields({
  draft,
  set,
  errors,
  categoryTypes,
  schoolPath = 'school',
}: {
  draft: FactsDraft;
  set: (next: FactsDraft) => void;
  errors: FieldErrors;
  categoryTypes: ConcernType[];
  /** Where the API reports the school's error ("child.school" when enrolling). */
  schoolPath?: string;
}) {
  const { t, pick } = useI18n();
  const setArr = (k: keyof FactsDraft['arrangement'], v: string) =>
    set({ ...draft, arrangement: { ...draft.arrangement, [k]: v } });
  const setGuardian = (i: number, k: keyof GuardianDraft, v: string) =>
    set({ ...draft, guardians: draft.guardians.map((g, j) => (j === i ? { ...g, [k]: v } : g)) });
  return (
    <>
      <Field path={schoolPath} label={t('ledger.enrol.school')} error={errors[schoolPath]}>
        {(p) => (
          <input {...p} type="text" value={draft.school} onChange={(e) => set({ ...draft, school: e.target.value })} />
        )}
      </Field>
      <FieldGroup
        path="categories"
        legend={t('ledger.enrol.categories')}
        hint={t('ledger.enrol.categoriesHint')}
        error={errors.categories}
      >
        <div className="choices">
          {categoryTypes.map((c) => (
            <label key={c.code} className="choice">
              <input
                type="checkbox"
                checked={draft.categories.includes(c.code)}
                onChange={(e) =>
                  set({
                    ...draft,
                    categories: e.target.checked
                      ? [...draft.categories, c.code]
                      : draft.categories.filter((x) => x !== c.code),
                  })
                }
              />
              <span>{pick(c.label)}</span>
            </label>
          ))}
        </div>
      </FieldGroup>
      <div className={`field${errors.leftBehind ? ' field--invalid' : ''}`}>
        <label className="choice" htmlFor={fieldId('leftBehind')}>
          <input
            id={fieldId('leftBehind')}
            type="checkbox"
            checked={draft.leftBehind}
            onChange={(e) => set({ ...draft, leftBehind: e.target.checked })}
          />
          <span>{t('ledger.enrol.leftBehind')}</span>
        </label>
      </div>
      <Field path="riskLevel" label={t('ledger.enrol.risk')} error={errors.riskLevel}>
        {(p) => (
          <select {...p} value={draft.riskLevel} onChange={(e) => set({ ...draft, riskLevel: e.target.value })}>
            <option value="">{t('ledger.enrol.riskNone')}</option>
            {RISK_LEVELS.map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>

      <fieldset className="section" id={fieldId('guardians')} tabIndex={-1}>
        <legend>{t('ledger.enrol.guardians')}</legend>
        {errors.guardians ? <p className="field-error">{errors.guardians}</p> : null}
        {draft.guardians.map((g, i) => (
          <fieldset key={i} className="section section--nested">
            <legend>{t('ledger.enrol.guardian', { n: i + 1 })}</legend>
            <Field
              path={`guardians.${i}.name`}
              label={t('ledger.enrol.guardianName')}
              required
              error={errors[`guardians.${i}.name`]}
            >
              {(p) => (
                <input {...p} type="text" value={g.name} onChange={(e) => setGuardian(i, 'name', e.target.value)} />
              )}
            </Field>
            <Field
              path={`guardians.${i}.relation`}
              label={t('ledger.enrol.guardianRelation')}
              required
              error={errors[`guardians.${i}.relation`]}
            >
              {(p) => (
                <select {...p} value={g.relation} onChange={(e) => setGuardian(i, 'relation', e.target.value)}>
                  <option value="">{t('form.choose')}</option>
                  {GUARDIAN_RELATIONS.map((r) => (
                    <option key={r} value={r}>
                      {t(`guardian.relation.${r}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              path={`guardians.${i}.phone`}
              label={t('ledger.enrol.guardianPhone')}
              error={errors[`guardians.${i}.phone`]}
            >
              {(p) => (
                <input
                  {...p}
                  type="tel"
                  inputMode="tel"
                  value={g.phone}
                  onChange={(e) => setGuardian(i, 'phone', e.target.value)}
                />
              )}
            </Field>
            <Field
              path={`guardians.${i}.status`}
              label={t('ledger.enrol.guardianStatus')}
              error={errors[`guardians.${i}.status`]}
            >
              {(p) => (
                <select {...p} value={g.status} onChange={(e) => setGuardian(i, 'status', e.target.value)}>
                  <option value="">{t('form.choose')}</option>
                  {GUARDIAN_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`guardian.status.${s}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              className="link-button"
              onClick={() => set({ ...draft, guardians: draft.guardians.filter((_, j) => j !== i) })}
            >
              {t('ledger.enrol.removeGuardian')}
            </button>
          </fieldset>
        ))}
        {draft.guardians.length < 6 ? (
          <button
            type="button"
            onClick={() =>
              set({ ...draft, guardians: [...draft.guardians, { name: '', relation: '', phone: '', status: '' }] })
            }
          >
            {t('ledger.enrol.addGuardian')}
          </button>
        ) : null}
      </fieldset>

      <fieldset className="section" id={fieldId('arrangement')} tabIndex={-1}>
        <legend>{t('ledger.enrol.arrangement')}</legend>
        {errors.arrangement ? <p className="field-error">{errors.arrangement}</p> : null}
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.hasArrangement}
            onChange={(e) => set({ ...draft, hasArrangement: e.target.checked })}
          />
          <span>{t('ledger.enrol.hasArrangement')}</span>
        </label>
        {draft.hasArrangement ? (
          <>
            <Field
              path="arrangement.caregiverName"
              label={t('ledger.enrol.caregiverName')}
              required
              error={errors['arrangement.caregiverName']}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  value={draft.arrangement.caregiverName}
                  onChange={(e) => setArr('caregiverName', e.target.value)}
                />
              )}
            </Field>
            <Field
              path="arrangement.relation"
              label={t('ledger.enrol.caregiverRelation')}
              hint={t('ledger.enrol.caregiverRelationHint')}
              required
              error={errors['arrangement.relation']}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  value={draft.arrangement.relation}
                  onChange={(e) => setArr('relation', e.target.value)}
                />
              )}
            </Field>
            <Field
              path="arrangement.phone"
              label={t('ledger.enrol.caregiverPhone')}
              error={errors['arrangement.phone']}
            >
              {(p) => (
                <input
                  {...p}
                  type="tel"
                  inputMode="tel"
                  value={draft.arrangement.phone}
                  onChange={(e) => setArr('phone', e.target.value)}
                />
              )}
            </Field>
            <Field path="arrangement.since" label={t('ledger.enrol.since')} error={errors['arrangement.since']}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={draft.arrangement.since}
                  onChange={(e) => setArr('since', e.target.value)}
                />
              )}
            </Field>
            <Field
              path="arrangement.parentsWorkplace"
              label={t('ledger.enrol.parentsWorkplace')}
              error={errors['arrangement.parentsWorkplace']}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  value={draft.arrangement.parentsWorkplace}
                  onChange={(e) => setArr('parentsWorkplace', e.target.value)}
                />
              )}
            </Field>
            <Field
              path="arrangement.parentsPhone"
              label={t('ledger.enrol.parentsPhone')}
              error={errors['arrangement.parentsPhone']}
            >
              {(p) => (
                <input
                  {...p}
                  type="tel"
                  inputMode="tel"
                  value={draft.arrangement.parentsPhone}
                  onChange={(e) => setArr('parentsPhone', e.target.value)}
                />
              )}
            </Field>
          </>
        ) : null}
      </fieldset>
    </>
  );
}
