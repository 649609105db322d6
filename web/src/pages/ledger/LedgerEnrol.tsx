/**
 * 登记入台账 (issue #18 item 1): the committee's child welfare supervisor or the street office enrols a child without a
 * report (一人一档案: the identity number finds the one file), with categories, left-behind status, guardians and the
 * migrant parents' care arrangement (FT 三(一)4(1)), and for a child already on the street's paper ledger the last
 * visit recorded there (上次走访日期), from which the first visit here is due. Every field the API refuses is named
 * next to the field itself.
 */
import { useState, type FormEvent } from 'react';
import { SEXES } from '../../../../contracts/enums';
import { residentIdProblem } from '../../../../contracts/text';
import { fieldErrorsInWords } from '../../components/field-words';
import { ApiError, api } from '../../api/client';
import { ErrorSummary, Field, FieldGroup, type FieldErrors } from '../../components/form';
import { CommitteePicker, StreetPicker } from '../../components/PlacePicker';
import { Loaded } from '../../components/status';
import { useLoad } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link, navigate } from '../../router';
import { useUser } from '../../session';
import { FactsFields, emptyFacts, factsBody, factsLabels, type FactsDraft } from './FactsFields';
import { directoryOf, useLedgerReach, type LedgerReach } from './reach';

export function LedgerEnrolPage() {
  const { t } = useI18n();
  const user = useUser();
  const reach = useLedgerReach(user);
  return (
    <section className="page" aria-labelledby="enrol-title">
      <p>
        <Link href="/ledger">{t('ledger.child.back')}</Link>
      </p>
      <h1 id="enrol-title">{t('ledger.enrol.title')}</h1>
      <p className="muted small">{t('ledger.enrol.intro')}</p>
      {reach === undefined ? null : reach.kind === 'none' ? (
        <p className="notice">{t('ledger.enrol.noPlace')}</p>
      ) : (
        <EnrolForm reach={reach} />
      )}
    </section>
  );
}

/** The field a 409 names (details.field), if any. */
function conflictField(err: ApiError): string | undefined {
  const details = err.details as { field?: unknown } | undefined;
  return typeof details?.field === 'string' ? details.field : undefined;
}

interface ChildDraft {
  idNumber: string;
  name: string;
  sex: string;
  dateOfBirth: string;
}

function EnrolForm({ reach }: { reach: Exclude<LedgerReach, { kind: 'none' }> }) {
  const { t, locale, pick } = useI18n();
  const directory = useLoad(() => directoryOf(reach.districtCode), [reach.districtCode]);
  const policies = useLoad(() => api.policies(), []);
  const [child, setChild] = useState<ChildDraft>({ idNumber: '', name: '', sex: '', dateOfBirth: '' });
  const [facts, setFacts] = useState<FactsDraft>(emptyFacts);
  const [lastVisitedOn, setLastVisitedOn] = useState('');
  const [streetCode, setStreetCode] = useState<string | undefined>(
    reach.kind === 'district' ? undefined : reach.streetCode,
  );
  const [committeeCode, setCommitteeCode] = useState<string | undefined>(
    reach.kind === 'committee' ? reach.committeeCode : undefined,
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  const labels: Record<string, string> = {
    'child.idNumber': t('ledger.enrol.idNumber'),
    'child.name': t('ledger.enrol.name'),
    'child.sex': t('ledger.enrol.sex'),
    'child.dateOfBirth': t('ledger.enrol.dateOfBirth'),
    'child.school': t('ledger.enrol.school'),
    'place.streetCode': t('ledger.street'),
    'place.committeeCode': t('ledger.committee'),
    lastVisitedOn: t('ledger.enrol.lastVisitedOn'),
    ...factsLabels(t, facts),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!child.idNumber.trim()) local['child.idNumber'] = t('form.required');
    else if (residentIdProblem(child.idNumber.trim())) local['child.idNumber'] = t('ledger.enrol.idInvalid');
    if (!child.name.trim()) local['child.name'] = t('form.required');
    if (!child.sex) local['child.sex'] = t('form.required');
    if (!streetCode) local['place.streetCode'] = t('form.required');
    setAttempt((n) => n + 1);
    setFormError(undefined);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const body = factsBody(facts);
      const res = await api.ledger.enrol({
        child: {
          idNumber: child.idNumber.trim().toUpperCase(),
          name: child.name.trim(),
          sex: child.sex as (typeof SEXES)[number],
          dateOfBirth: child.dateOfBirth || undefined,
          school: facts.school.trim() || undefined,
        },
        place: { streetCode: streetCode!, committeeCode },
        ...body,
        guardians: body.guardians.length > 0 ? body.guardians : undefined,
        lastVisitedOn: lastVisitedOn || undefined,
      });
      navigate(`/ledger/children/${encodeURIComponent(res.childId)}`);
    } catch (err) {
      // One child, one file: a child on another street's ledger is moved there by a transfer, not enrolled twice.
      // A paper date for a child already on this ledger would move its schedule: its visits are recorded here now.
      if (err instanceof ApiError && err.status === 409 && conflictField(err) === 'lastVisitedOn')
        setErrors({ lastVisitedOn: t('ledger.enrol.alreadyOnLedger') });
      else if (err instanceof ApiError && err.status === 409)
        setErrors({ 'child.idNumber': t('ledger.enrol.onOtherLedger') });
      else if (err instanceof ApiError && Object.keys(err.fields).length > 0)
        setErrors(fieldErrorsInWords(err.fields, locale));
      else setFormError(err instanceof ApiError ? t('form.serverRejected', { message: err.message }) : String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  const agencies = directory.status === 'ready' ? directory.data : [];
  const placeName = (code: string | undefined, level: 'street' | 'committee') => {
    const a = agencies.find((x) =>
      level === 'street'
        ? x.type === 'street_office' && x.jurisdiction.streetCode === code
        : x.level === 'committee' && x.jurisdiction.committeeCode === code,
    );
    return a ? pick(a.name) : '';
  };

  return (
    <Loaded state={policies}>
      {(packs) => {
        const categoryTypes = packs.find((p) => p.district.code === reach.districtCode)?.categoryTypes ?? [];
        return (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <ErrorSummary errors={errors} labels={labels} version={attempt} formError={formError} />
            <fieldset className="section">
              <legend>{t('ledger.enrol.child')}</legend>
              <Field
                path="child.idNumber"
                label={t('ledger.enrol.idNumber')}
                hint={t('ledger.enrol.idNumberHint')}
                required
                error={errors['child.idNumber']}
              >
                {(p) => (
                  <input
                    {...p}
                    type="text"
                    autoComplete="off"
                    maxLength={18}
                    value={child.idNumber}
                    onChange={(e) => setChild({ ...child, idNumber: e.target.value })}
                  />
                )}
              </Field>
              <Field path="child.name" label={t('ledger.enrol.name')} required error={errors['child.name']}>
                {(p) => (
                  <input
                    {...p}
                    type="text"
                    value={child.name}
                    onChange={(e) => setChild({ ...child, name: e.target.value })}
                  />
                )}
              </Field>
              <FieldGroup path="child.sex" legend={t('ledger.enrol.sex')} required error={errors['child.sex']}>
                <div className="choices">
                  {SEXES.map((s) => (
                    <label key={s} className="choice">
                      <input
                        type="radio"
                        name="child-sex"
                        value={s}
                        checked={child.sex === s}
                        onChange={() => setChild({ ...child, sex: s })}
                      />
                      <span>{t(`report.sex.${s}`)}</span>
                    </label>
                  ))}
                </div>
              </FieldGroup>
              <Field path="child.dateOfBirth" label={t('ledger.enrol.dateOfBirth')} error={errors['child.dateOfBirth']}>
                {(p) => (
                  <input
                    {...p}
                    type="date"
                    value={child.dateOfBirth}
                    onChange={(e) => setChild({ ...child, dateOfBirth: e.target.value })}
                  />
                )}
              </Field>
            </fieldset>

            <fieldset className="section">
              <legend>{t('ledger.enrol.place')}</legend>
              {reach.kind === 'district' ? (
                <StreetPicker
                  path="place.streetCode"
                  label={t('ledger.street')}
                  agencies={agencies}
                  value={streetCode}
                  onChange={(s) => {
                    setStreetCode(s);
                    setCommitteeCode(undefined);
                  }}
                  unknownLabel={t('ledger.transfer.streetNone')}
                  error={errors['place.streetCode']}
                />
              ) : (
                <p data-testid="enrol-street">{placeName(streetCode, 'street')}</p>
              )}
              {reach.kind === 'committee' ? (
                <p data-testid="enrol-committee">{placeName(committeeCode, 'committee')}</p>
              ) : (
                <CommitteePicker
                  path="place.committeeCode"
                  label={t('ledger.committee')}
                  agencies={agencies}
                  streetCode={streetCode}
                  value={committeeCode}
                  onChange={setCommitteeCode}
                />
              )}
              {errors['place.committeeCode'] && reach.kind === 'committee' ? (
                <p className="field-error">{errors['place.committeeCode']}</p>
              ) : null}
            </fieldset>

            <fieldset className="section">
              <legend>{t('ledger.enrol.paperLedger')}</legend>
              <Field
                path="lastVisitedOn"
                label={t('ledger.enrol.lastVisitedOn')}
                hint={t('ledger.enrol.lastVisitedOnHint')}
                error={errors.lastVisitedOn}
              >
                {(p) => (
                  <input {...p} type="date" value={lastVisitedOn} onChange={(e) => setLastVisitedOn(e.target.value)} />
                )}
              </Field>
            </fieldset>

            <fieldset className="section">
              <legend>{t('ledger.child.facts')}</legend>
              <FactsFields
                draft={facts}
                set={setFacts}
                errors={errors}
                categoryTypes={categoryTypes}
                schoolPath="child.school"
              />
            </fieldset>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('ledger.enrol.submitting') : t('ledger.enrol.submit')}
            </button>
          </form>
        );
      }}
    </Loaded>
  );
}
