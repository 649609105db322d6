/**
 * Record a ledger visit on a phone, one-handed (issue #18 item 3): big yes/no choices for the child present, the
 * guardian present and the care arrangement adequate (an inadequate one opens the committee's task to put it right,
 * FT 三(二)2), the needs as taps, and a new concern, which files a mandatory report (CN 四(一), FT 三(二)4): its
 * receipt number is shown once the API has it.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConcernType } from '../../../../contracts/policies';
import { fieldErrorsInWords } from '../../components/field-words';
import { ApiError, api, newIdempotencyKey } from '../../api/client';
import { ErrorSummary, Field, FieldGroup, type FieldErrors } from '../../components/form';
import { useI18n, type MessageKey } from '../../i18n';

const NEEDS = ['study', 'living', 'health', 'psych', 'guardianship'] as const;

type YesNo = '' | 'yes' | 'no';

interface VisitDraft {
  visitedAt: string;
  childPresent: YesNo;
  guardianPresent: YesNo;
  arrangementAdequate: YesNo;
  needs: string[];
  otherNeed: string;
  newConcern: YesNo;
  concerns: string[];
  account: string;
  note: string;
}

/** "2026-11-30T12:34" in the phone's own time zone, for a datetime-local control. */
function localNow(): string {
  const d = new Date();
  d.setSeconds(0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function empty(): VisitDraft {
  return {
    visitedAt: localNow(),
    childPresent: '',
    guardianPresent: '',
    arrangementAdequate: '',
    needs: [],
    otherNeed: '',
    newConcern: '',
    concerns: [],
    account: '',
    note: '',
  };
}

function YesNoField(props: {
  path: string;
  legend: string;
  hint?: string;
  value: YesNo;
  error?: string;
  onChange: (v: YesNo) => void;
}) {
  const { t } = useI18n();
  return (
    <FieldGroup path={props.path} legend={props.legend} hint={props.hint} required error={props.error}>
      <div className="yesno">
        {(['yes', 'no'] as const).map((v) => (
          <label key={v} className={`yesno__option${props.value === v ? ' yesno__option--on' : ''}`}>
            <input
              type="radio"
              name={props.path}
              value={v}
              checked={props.value === v}
              onChange={() => props.onChange(v)}
            />
            <span>{v === 'yes' ? t('form.yes') : t('form.no')}</span>
          </label>
        ))}
      </div>
    </FieldGroup>
  );
}

export function VisitForm({
  childId,
  concernTypes,
  onRecorded,
}: {
  childId: string;
  concernTypes: ConcernType[];
  /** Called with the receipt of the report a new concern filed, if it did. */
  onRecorded: (receipt: string | undefined) => void;
}) {
  const { t, locale, pick } = useI18n();
  const [draft, setDraft] = useState<VisitDraft>(empty);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  // One key per visit being written, so a retry after a lost answer is the same visit.
  const [key, setKey] = useState(newIdempotencyKey);
  const set = (patch: Partial<VisitDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const labels: Record<string, string> = {
    visitedAt: t('ledger.visit.visitedAt'),
    childPresent: t('ledger.visit.childPresent'),
    guardianPresent: t('ledger.visit.guardianPresent'),
    arrangementAdequate: t('ledger.visit.arrangementAdequate'),
    needs: t('ledger.visit.needs'),
    newConcern: t('ledger.visit.newConcern'),
    concern: t('ledger.visit.concerns'),
    'concern.concerns': t('ledger.visit.concerns'),
    'concern.account': t('ledger.visit.account'),
    note: t('ledger.visit.note'),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    setFormError(undefined);
    const local: FieldErrors = {};
    if (!draft.visitedAt) local.visitedAt = t('form.required');
    for (const k of ['childPresent', 'guardianPresent', 'arrangementAdequate', 'newConcern'] as const)
      if (!draft[k]) local[k] = t('ledger.visit.choose');
    if (draft.newConcern === 'yes') {
      if (draft.concerns.length === 0) local['concern.concerns'] = t('ledger.visit.chooseConcern');
      if (!draft.account.trim()) local['concern.account'] = t('ledger.visit.describe');
    }
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const needs = [...draft.needs.map((n) => t(`ledger.visit.need.${n}` as MessageKey))];
      if (draft.otherNeed.trim()) needs.push(draft.otherNeed.trim());
      const res = await api.ledger.visit(
        childId,
        {
          visitedAt: new Date(draft.visitedAt).toISOString(),
          childPresent: draft.childPresent === 'yes',
          guardianPresent: draft.guardianPresent === 'yes',
          arrangementAdequate: draft.arrangementAdequate === 'yes',
          needs,
          newConcern: draft.newConcern === 'yes',
          concern: draft.newConcern === 'yes' ? { concerns: draft.concerns, account: draft.account.trim() } : undefined,
          note: draft.note.trim() || undefined,
        },
        key,
      );
      const receipt = res.report?.receipt;
      setDraft(empty());
      setKey(newIdempotencyKey());
      onRecorded(receipt);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setFormError(t('ledger.visit.caseOpen'));
      else if (err instanceof ApiError && Object.keys(err.fields).length > 0)
        setErrors(fieldErrorsInWords(err.fields, locale));
      else setFormError(err instanceof ApiError ? t('form.serverRejected', { message: err.message }) : String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="visit-h">
      <h2 id="visit-h">{t('ledger.visit.title')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} labels={labels} version={attempt} formError={formError} />
        <Field path="visitedAt" label={t('ledger.visit.visitedAt')} required error={errors.visitedAt}>
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={draft.visitedAt}
              onChange={(e) => set({ visitedAt: e.target.value })}
            />
          )}
        </Field>
        <YesNoField
          path="childPresent"
          legend={t('ledger.visit.childPresent')}
          value={draft.childPresent}
          error={errors.childPresent}
          onChange={(v) => set({ childPresent: v })}
        />
        <YesNoField
          path="guardianPresent"
          legend={t('ledger.visit.guardianPresent')}
          value={draft.guardianPresent}
          error={errors.guardianPresent}
          onChange={(v) => set({ guardianPresent: v })}
        />
        <YesNoField
          path="arrangementAdequate"
          legend={t('ledger.visit.arrangementAdequate')}
          hint={t('ledger.visit.arrangementHint')}
          value={draft.arrangementAdequate}
          error={errors.arrangementAdequate}
          onChange={(v) => set({ arrangementAdequate: v })}
        />
        <FieldGroup path="needs" legend={t('ledger.visit.needs')} error={errors.needs}>
          <div className="choices">
            {NEEDS.map((n) => (
              <label key={n} className="choice">
                <input
                  type="checkbox"
                  checked={draft.needs.includes(n)}
                  onChange={(e) =>
                    set({ needs: e.target.checked ? [...draft.needs, n] : draft.needs.filter((x) => x !== n) })
                  }
                />
                <span>{t(`ledger.visit.need.${n}`)}</span>
              </label>
            ))}
          </div>
        </FieldGroup>
        <Field path="otherNeed" label={t('ledger.visit.otherNeed')}>
          {(p) => (
            <input {...p} type="text" value={draft.otherNeed} onChange={(e) => set({ otherNeed: e.target.value })} />
          )}
        </Field>
        <YesNoField
          path="newConcern"
          legend={t('ledger.visit.newConcern')}
          hint={t('ledger.visit.newConcernHint')}
          value={draft.newConcern}
          error={errors.newConcern}
          onChange={(v) => set({ newConcern: v })}
        />
        {draft.newConcern === 'yes' ? (
          <>
            <FieldGroup
              path="concern.concerns"
              legend={t('ledger.visit.concerns')}
              required
              error={errors['concern.concerns'] ?? errors.concern}
            >
              <div className="choices">
                {concernTypes.map((c) => (
                  <label key={c.code} className="choice">
                    <input
                      type="checkbox"
                      checked={draft.concerns.includes(c.code)}
                      onChange={(e) =>
                        set({
                          concerns: e.target.checked
                            ? [...draft.concerns, c.code]
                            : draft.concerns.filter((x) => x !== c.code),
                        })
                      }
                    />
                    <span>{pick(c.label)}</span>
                  </label>
                ))}
              </div>
            </FieldGroup>
            <Field
              path="concern.account"
              label={t('ledger.visit.account')}
              hint={t('ledger.visit.accountHint')}
              required
              error={errors['concern.account']}
            >
              {(p) => (
                <textarea {...p} rows={4} value={draft.account} onChange={(e) => set({ account: e.target.value })} />
              )}
            </Field>
          </>
        ) : null}
        <Field path="note" label={t('ledger.visit.note')} error={errors.note}>
          {(p) => <textarea {...p} rows={2} value={draft.note} onChange={(e) => set({ note: e.target.value })} />}
        </Field>
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? t('ledger.visit.submitting') : t('ledger.visit.submit')}
        </button>
      </form>
    </section>
  );
}

/** What the last visit recorded on this page came to: saved, and the report's receipt when it filed one. */
export function VisitRecorded({ receipt }: { receipt: string | undefined }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  // The visitor's thumb is at the bottom of the form: bring the result (and the receipt number) into view.
  useEffect(() => ref.current?.focus(), [receipt]);
  return (
    <div className="notice notice--ok" role="status" tabIndex={-1} ref={ref} data-testid="visit-saved">
      <p>{t('ledger.visit.saved')}</p>
      {receipt ? (
        <p>
          {t('ledger.visit.reported')}
          <strong className="receipt__number" data-testid="visit-receipt">
            {receipt}
          </strong>
        </p>
      ) : null}
    </div>
  );
}
