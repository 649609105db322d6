/**
 * The mandatory report (CN 四(一), FT 三(二)4): what was found, when, where, what was seen, the child as far as known,
 * and the reporting unit. Checked here first; nothing is sent while a field is wrong. Each submission carries an
 * Idempotency-Key that a retry of the same content reuses, so a report cannot be filed twice by a flaky network.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api, newIdempotencyKey } from '../api/client';
import type { PolicySummary } from '../../../contracts/policies';
import type { ReportReceipt } from '../../../contracts/reports';
import { fieldErrorsInWords } from '../components/field-words';
import { ErrorSummary, Field, FieldGroup, fieldId, type FieldErrors } from '../components/form';
import { Loaded } from '../components/status';
import { toLocalInput } from '../format';
import { useLoad } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { Link } from '../router';
import { useUser } from '../session';
import { toNewReport, validateReport, type ReportDraft } from './report-validation';
import { CommitteePicker, StreetPicker, useDirectory } from '../components/PlacePicker';

/** Units that must report (CN 四(一), FT 三(二)4). */
export const REPORTER_UNIT_TYPES = [
  'school',
  'kindergarten',
  'hospital',
  'residents_committee',
  'villagers_committee',
  'social_work',
  'welfare_institution',
] as const;

const UNIT_STORAGE_KEY = 'childsafe.reporterUnit';

function rememberedUnit(): { name: string; type: string } {
  try {
    const v = JSON.parse(localStorage.getItem(UNIT_STORAGE_KEY) ?? 'null') as { name?: unknown; type?: unknown } | null;
    if (v && typeof v.name === 'string' && typeof v.type === 'string') return { name: v.name, type: v.type };
  } catch {
    // Nothing remembered.
  }
  return { name: '', type: '' };
}

export function ReportForm() {
  const { t } = useI18n();
  const policies = useLoad(() => api.policies(), []);
  return (
    <section className="page" aria-labelledby="report-title">
      <h1 id="report-title">{t('report.title')}</h1>
      <Loaded state={policies}>
        {(list) =>
          list.length === 0 ? <p className="notice">{t('report.noPolicy')}</p> : <ReportFormBody policies={list} />
        }
      </Loaded>
    </section>
  );
}

function emptyDraft(policyPackId: string, streetCode?: string): ReportDraft {
  const unit = rememberedUnit();
  return {
    policyPackId,
    concerns: [],
    discoveredAt: '',
    address: '',
    streetCode,
    account: '',
    childName: '',
    childSex: '',
    childDateOfBirth: '',
    childApproximateAge: '',
    childIdNumber: '',
    childSchool: '',
    unitName: unit.name,
    unitType: unit.type,
  };
}

function ReportFormBody({ policies }: { policies: PolicySummary[] }) {
  const { t, pick, locale } = useI18n();
  const user = useUser();
  const initialPolicy = policies.find((p) => p.district.code === user.jurisdiction.districtCode) ?? policies[0]!;
  const [draft, setDraft] = useState<ReportDraft>(() => emptyDraft(initialPolicy.id, user.jurisdiction.streetCode));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<ReportReceipt>();
  const [retrying, setRetrying] = useState(false);
  /** One key per submission: kept while the same content is retried, dropped as soon as the content changes. */
  const idempotencyKey = useRef<string | undefined>(undefined);
  const receiptRef = useRef<HTMLDivElement>(null);

  const policy = policies.find((p) => p.id === draft.policyPackId) ?? initialPolicy;
  const directory = useDirectory(policy.district.code);
  const agencies = directory.status === 'ready' ? directory.data.items : [];

  useEffect(() => {
    if (receipt) receiptRef.current?.focus();
  }, [receipt]);

  const update = <K extends keyof ReportDraft>(key: K, value: ReportDraft[K]) => {
    idempotencyKey.current = undefined;
    setRetrying(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const labels: Record<string, string> = {
    concerns: t('report.concerns'),
    discoveredAt: t('report.discoveredAt'),
    'place.address': t('report.address'),
    account: t('report.account'),
    'child.name': t('report.childName'),
    'child.sex': t('report.childSex'),
    'child.dateOfBirth': t('report.childDob'),
    'child.approximateAge': t('report.childAge'),
    'child.idNumber': t('report.childId'),
    'child.school': t('report.childSchool'),
    'reporterUnit.name': t('report.unitName'),
    'reporterUnit.type': t('report.unitType'),
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const found = validateReport(draft, t);
    setErrors(found);
    setFormError(undefined);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    idempotencyKey.current ??= newIdempotencyKey();
    setBusy(true);
    try {
      const result = await api.fileReport(toNewReport(draft), idempotencyKey.current);
      try {
        localStorage.setItem(UNIT_STORAGE_KEY, JSON.stringify({ name: draft.unitName.trim(), type: draft.unitType }));
      } catch {
        // Not remembered: the reporter types the unit again next time.
      }
      idempotencyKey.current = undefined;
      setReceipt(result);
    } catch (err) {
      if (err instanceof ApiError && (err.isNetwork || err.status >= 500 || err.status === 409)) {
        // Not (or not certainly) filed: the same key makes a retry safe.
        setRetrying(true);
        setFormError(err.isNetwork ? t('app.networkError') : t('form.serverRejected', { message: err.message }));
      } else if (err instanceof ApiError) {
        idempotencyKey.current = undefined;
        setErrors(fieldErrorsInWords(err.fields, locale));
        setFormError(
          Object.keys(err.fields).length > 0 ? undefined : t('form.serverRejected', { message: err.message }),
        );
      } else setFormError(String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <div className="receipt" role="status" tabIndex={-1} ref={receiptRef} aria-labelledby="receipt-title">
        <h2 id="receipt-title">{t('report.receiptTitle')}</h2>
        <p>
          {t('report.receiptNumber')}：
          <strong className="receipt__number" data-testid="receipt-number">
            {receipt.receipt}
          </strong>
        </p>
        <p>
          {t('mine.status')}：<span data-testid="receipt-status">{pick(receipt.statusLabel)}</span>
        </p>
        <p>{t('report.receiptKeep')}</p>
        <p className="actions">
          <Link href="/reports/mine">{t('nav.myReports')}</Link>
          <button
            type="button"
            onClick={() => {
              setReceipt(undefined);
              setDraft(emptyDraft(policy.id, user.jurisdiction.streetCode));
              setErrors({});
              setAttempt(0);
            }}
          >
            {t('report.another')}
          </button>
        </p>
      </div>
    );
  }

  return (
    <>
      <p className="muted">{t('report.intro')}</p>
      <ErrorSummary errors={errors} labels={labels} version={attempt} formError={formError} />
      <form onSubmit={onSubmit} noValidate aria-describedby={retrying ? 'report-retry' : undefined}>
        {policies.length > 1 ? (
          <Field path="policyPackId" label={t('report.policy')} required>
            {(p) => (
              <select {...p} value={draft.policyPackId} onChange={(e) => update('policyPackId', e.target.value)}>
                {policies.map((pol) => (
                  <option key={pol.id} value={pol.id}>
                    {pick(pol.district.name)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}

        <FieldGroup
          path="concerns"
          legend={t('report.concerns')}
          hint={t('report.concernsHint')}
          required
          error={errors.concerns}
        >
          <div className="choices">
            {policy.concernTypes.map((c) => (
              <label key={c.code} className="choice">
                <input
                  type="checkbox"
                  name="concerns"
                  value={c.code}
                  checked={draft.concerns.includes(c.code)}
                  aria-describedby={errors.concerns ? `${fieldId('concerns')}-error` : undefined}
                  onChange={(e) =>
                    update(
                      'concerns',
                      e.target.checked ? [...draft.concerns, c.code] : draft.concerns.filter((x) => x !== c.code),
                    )
                  }
                />
                <span>
                  {pick(c.label)} <span className="clause">{c.clause}</span>
                </span>
              </label>
            ))}
          </div>
        </FieldGroup>

        <Field path="discoveredAt" label={t('report.discoveredAt')} required error={errors.discoveredAt}>
          {(p) => (
            <div className="inline">
              <input
                {...p}
                type="datetime-local"
                name="discoveredAt"
                max={toLocalInput(new Date())}
                value={draft.discoveredAt}
                onChange={(e) => update('discoveredAt', e.target.value)}
              />
            </div>
          )}
        </Field>

        <StreetPicker
          path="place.streetCode"
          label={t('place.street')}
          hint={t('place.streetHint')}
          agencies={agencies}
          value={draft.streetCode}
          unknownLabel={t('place.streetUnknown')}
          error={errors['place.streetCode']}
          onChange={(code) => {
            update('streetCode', code);
            update('committeeCode', undefined);
          }}
        />
        <CommitteePicker
          path="place.committeeCode"
          label={t('place.committee')}
          agencies={agencies}
          streetCode={draft.streetCode}
          value={draft.committeeCode}
          onChange={(code) => update('committeeCode', code)}
        />

        <Field
          path="place.address"
          label={t('report.address')}
          hint={t('report.addressHint')}
          required
          error={errors['place.address']}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              name="address"
              autoComplete="off"
              value={draft.address}
              onChange={(e) => update('address', e.target.value)}
            />
          )}
        </Field>

        <Field
          path="account"
          label={t('report.account')}
          hint={t('report.accountHint')}
          required
          error={errors.account}
        >
          {(p) => (
            <textarea
              {...p}
              name="account"
              rows={5}
              value={draft.account}
              onChange={(e) => update('account', e.target.value)}
            />
          )}
        </Field>

        <fieldset className="section">
          <legend>{t('report.child')}</legend>
          <Field path="child.name" label={t('report.childName')} error={errors['child.name']}>
            {(p) => (
              <input
                {...p}
                type="text"
                autoComplete="off"
                value={draft.childName}
                onChange={(e) => update('childName', e.target.value)}
              />
            )}
          </Field>
          <Field path="child.sex" label={t('report.childSex')} error={errors['child.sex']}>
            {(p) => (
              <select
                {...p}
                value={draft.childSex}
                onChange={(e) => update('childSex', e.target.value as ReportDraft['childSex'])}
              >
                <option value="">{t('form.choose')}</option>
                {(['male', 'female', 'unknown'] as const).map((s) => (
                  <option key={s} value={s}>
                    {t(`report.sex.${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="row">
            <Field path="child.dateOfBirth" label={t('report.childDob')} error={errors['child.dateOfBirth']}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={draft.childDateOfBirth}
                  onChange={(e) => update('childDateOfBirth', e.target.value)}
                />
              )}
            </Field>
            <Field path="child.approximateAge" label={t('report.childAge')} error={errors['child.approximateAge']}>
              {(p) => (
                <input
                  {...p}
                  type="text"
                  inputMode="numeric"
                  value={draft.childApproximateAge}
                  onChange={(e) => update('childApproximateAge', e.target.value)}
                />
              )}
            </Field>
          </div>
          <Field path="child.idNumber" label={t('report.childId')} error={errors['child.idNumber']}>
            {(p) => (
              <input
                {...p}
                type="text"
                autoComplete="off"
                maxLength={18}
                value={draft.childIdNumber}
                onChange={(e) => update('childIdNumber', e.target.value)}
              />
            )}
          </Field>
          <Field path="child.school" label={t('report.childSchool')} error={errors['child.school']}>
            {(p) => (
              <input
                {...p}
                type="text"
                value={draft.childSchool}
                onChange={(e) => update('childSchool', e.target.value)}
              />
            )}
          </Field>
          <StreetPicker
            path="child.householdRegistration.streetCode"
            label={t('place.registrationStreet')}
            hint={t('place.registrationHint')}
            agencies={agencies}
            value={draft.registrationStreetCode}
            unknownLabel={t('place.registrationUnknown')}
            error={errors['child.householdRegistration.streetCode']}
            onChange={(code) => update('registrationStreetCode', code)}
          />
        </fieldset>

        <fieldset className="section">
          <legend>{t('report.unit')}</legend>
          <Field path="reporterUnit.name" label={t('report.unitName')} required error={errors['reporterUnit.name']}>
            {(p) => (
              <input
                {...p}
                type="text"
                autoComplete="organization"
                value={draft.unitName}
                onChange={(e) => update('unitName', e.target.value)}
              />
            )}
          </Field>
          <Field path="reporterUnit.type" label={t('report.unitType')} required error={errors['reporterUnit.type']}>
            {(p) => (
              <select {...p} value={draft.unitType} onChange={(e) => update('unitType', e.target.value)}>
                <option value="">{t('form.choose')}</option>
                {REPORTER_UNIT_TYPES.map((u) => (
                  <option key={u} value={u}>
                    {t(`unitType.${u}` as MessageKey)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field path="reporterUnit.phone" label={t('report.unitPhone')} hint={t('report.unitPhoneHint')}>
            {(p) => (
              <input
                {...p}
                type="tel"
                autoComplete="tel"
                value={draft.unitPhone ?? ''}
                onChange={(e) => update('unitPhone', e.target.value)}
              />
            )}
          </Field>
        </fieldset>

        {retrying ? (
          <p className="notice" id="report-retry">
            {t('report.retryHint')}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('report.submitting') : t('report.submit')}
        </button>
      </form>
    </>
  );
}
