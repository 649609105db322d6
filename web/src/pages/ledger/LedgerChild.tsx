/**
 * A child's ledger page (一人一档案, issue #18 items 1 and 3): the facts, the migrant parents' care arrangement, the next
 * visit due with the pack clause its interval comes from, missed visits, the visit record and the transfers; the
 * visit form (a phone, one hand), editing the facts (with the version read, so two editors never overwrite each
 * other silently) and, for the street office and the coordinators, the transfer to another street or district.
 */
import { useState, type FormEvent } from 'react';
import type { LedgerChildView } from '../../../../contracts/ledger';
import type { ConcernType } from '../../../../contracts/policies';
import { fieldErrorsInWords } from '../../components/field-words';
import { ApiError, api } from '../../api/client';
import { ErrorSummary, Field, type FieldErrors } from '../../components/form';
import { CommitteePicker, StreetPicker } from '../../components/PlacePicker';
import { ErrorNotice, Loaded } from '../../components/status';
import { humanizeDurations } from '../../format';
import { useLoad } from '../../hooks';
import { useI18n, type MessageKey } from '../../i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { FactsFields, factsBody, factsLabels, type FactsDraft } from './FactsFields';
import { canTransfer, directoryOf, useLedgerReach } from './reach';
import { VisitForm, VisitRecorded } from './VisitForm';

export function LedgerChildPage({ childId }: { childId: string }) {
  const { t } = useI18n();
  const user = useUser();
  const reach = useLedgerReach(user);
  const view = useLoad(() => api.ledger.child(childId), [childId]);
  const policies = useLoad(() => api.policies(), []);
  const [transferred, setTransferred] = useState<string>();
  // Kept here, not in the form: a new concern opens a case, and the form then gives way to the case's visits.
  const [recorded, setRecorded] = useState<{ receipt: string | undefined }>();
  const pack =
    policies.status === 'ready'
      ? policies.data.find((p) => p.district.code === user.jurisdiction.districtCode)
      : undefined;
  return (
    <section className="page" aria-labelledby="ledger-child-title">
      <p>
        <Link href="/ledger">{t('ledger.child.back')}</Link>
      </p>
      {transferred ? (
        <p className="notice notice--ok" role="status" data-testid="transfer-done">
          {t('ledger.transfer.done', { to: transferred })}
        </p>
      ) : (
        <Loaded state={view}>
          {(child) => (
            <>
              <ChildFacts child={child} benefitTypes={pack?.benefitTypes ?? []} />
              {recorded ? <VisitRecorded receipt={recorded.receipt} /> : null}
              {child.status === 'monitoring' ? (
                <VisitForm
                  childId={childId}
                  concernTypes={pack?.concernTypes ?? []}
                  onRecorded={(receipt) => {
                    setRecorded({ receipt });
                    view.reload();
                  }}
                />
              ) : null}
              <EditFacts
                key={child.version}
                child={child}
                categoryTypes={pack?.categoryTypes ?? []}
                onSaved={view.reload}
              />
              {canTransfer(reach) ? (
                <TransferForm child={child} districtCode={user.jurisdiction.districtCode} onDone={setTransferred} />
              ) : null}
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}

function ChildFacts({ child, benefitTypes }: { child: LedgerChildView; benefitTypes: ConcernType[] }) {
  const { t, pick, formatDate, formatDateTime } = useI18n();
  // Benefits by the pack's names (the API keeps the codes); a code the pack no longer has is shown as it is.
  const benefitName = (code: string) => {
    const found = benefitTypes.find((b) => b.code === code);
    return found ? pick(found.label) : code;
  };
  const place = [
    child.streetName ? pick(child.streetName) : null,
    child.committeeName ? pick(child.committeeName) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const arr = child.arrangement;
  return (
    <>
      <h1 id="ledger-child-title">
        {child.name}{' '}
        {child.multipleDifficulty ? (
          <span className="badge badge--priority">{t('ledger.multipleDifficulty')}</span>
        ) : null}
      </h1>
      <section className="panel" aria-labelledby="facts-h">
        <h2 id="facts-h">{t('ledger.child.facts')}</h2>
        <dl className="kv" data-testid="ledger-facts">
          <div className="kv__row">
            <dt>{t('ledger.child.sex')}</dt>
            <dd>{t(`report.sex.${child.sex}` as MessageKey)}</dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.age')}</dt>
            <dd>{child.approximateAge !== null ? t('ledger.age', { n: child.approximateAge }) : '—'}</dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.school')}</dt>
            <dd>{child.school ?? '—'}</dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.place')}</dt>
            <dd data-testid="ledger-place">{place || '—'}</dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.categories')}</dt>
            <dd>
              {child.categories.length ? child.categories.map((c) => pick(c)).join('、') : t('ledger.child.none')}
            </dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.leftBehind')}</dt>
            <dd>{child.leftBehind ? t('ledger.yes') : t('ledger.no')}</dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.risk')}</dt>
            <dd>
              <span className={`risk risk--${child.riskLevel}`}>{t(`risk.${child.riskLevel}` as MessageKey)}</span>
            </dd>
          </div>
          <div className="kv__row">
            <dt>{t('ledger.child.status')}</dt>
            <dd>{t(`ledger.child.status.${child.status}` as MessageKey)}</dd>
          </div>
          {child.openCase ? (
            <div className="kv__row">
              <dt>{t('ledger.child.openCase')}</dt>
              <dd data-testid="ledger-open-case">
                {child.openCase.caseId ? (
                  // Only a reader who may open the case's page gets its id: the number links there.
                  <Link href={`/cases/${encodeURIComponent(child.openCase.caseId)}`}>
                    {child.openCase.caseNumber ?? t('ledger.child.openCase.noNumber')}
                  </Link>
                ) : (
                  (child.openCase.caseNumber ?? t('ledger.child.openCase.noNumber'))
                )}
                {t('ledger.child.openCase.stage', { stage: t(`stage.${child.openCase.stage}` as MessageKey) })}
              </dd>
            </div>
          ) : null}
          {child.benefits.length > 0 ? (
            <div className="kv__row">
              <dt>{t('ledger.child.benefits')}</dt>
              <dd>{child.benefits.map(benefitName).join('、')}</dd>
            </div>
          ) : null}
          <div className="kv__row">
            <dt>{t('ledger.child.guardians')}</dt>
            <dd>
              {child.guardians.length === 0
                ? t('ledger.child.none')
                : child.guardians
                    .map(
                      (g) =>
                        `${g.name}（${t(`guardian.relation.${g.relation}` as MessageKey)}，${t(`guardian.status.${g.status}` as MessageKey)}）${g.phone ? ` ${g.phone}` : ''}`,
                    )
                    .join('；')}
            </dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="arr-h" data-testid="ledger-arrangement">
        <h2 id="arr-h">{t('ledger.child.arrangement')}</h2>
        {arr ? (
          <dl className="kv">
            <div className="kv__row">
              <dt>{t('ledger.child.caregiver')}</dt>
              <dd>
                {arr.caregiverName}（{arr.relation}）{arr.phone ? ` ${arr.phone}` : ''}
                {arr.since ? ` · ${t('ledger.child.since', { date: formatDate(arr.since) })}` : ''}
              </dd>
            </div>
            {arr.parentsWorkplace ? (
              <div className="kv__row">
                <dt>{t('ledger.child.parentsWorkplace')}</dt>
                <dd>{arr.parentsWorkplace}</dd>
              </div>
            ) : null}
            <div className="kv__row">
              <dt>{t('ledger.child.adequate')}</dt>
              <dd data-testid="arrangement-adequate">
                {arr.adequate === null
                  ? t('ledger.child.adequateUnknown')
                  : arr.adequate
                    ? t('ledger.child.adequateYes')
                    : t('ledger.child.adequateNo')}
              </dd>
            </div>
          </dl>
        ) : (
          <p>{t('ledger.child.noArrangement')}</p>
        )}
      </section>

      <section className="panel" aria-labelledby="visits-h">
        <h2 id="visits-h">{t('ledger.child.visits')}</h2>
        <p data-testid="ledger-next-visit">
          {t('ledger.child.nextVisit')}：
          {child.overdue ? <span className="badge badge--overdue">{t('ledger.overdue')}</span> : null}{' '}
          {child.nextVisitDue ? formatDate(child.nextVisitDue) : t('ledger.noVisitDue')}
        </p>
        {child.visitInterval ? (
          <>
            <p className="small">
              {t('ledger.child.interval', { interval: humanizeDurations(child.visitInterval.duration, t) })}
            </p>
            <p className="clause small" data-testid="ledger-visit-clause">
              {t('ledger.child.clause', { clause: child.visitInterval.clause })}
            </p>
          </>
        ) : null}
        {child.missedVisits > 0 ? (
          <p>
            <span className="badge badge--overdue">{t('ledger.child.missed', { n: child.missedVisits })}</span>
          </p>
        ) : null}
        <h3>{t('ledger.child.history')}</h3>
        {child.visits.length === 0 ? (
          <p className="muted">{t('ledger.child.noVisits')}</p>
        ) : (
          <ul className="plain" data-testid="ledger-visits">
            {child.visits.map((v, i) => (
              <li key={`${v.visitedAt}-${i}`}>
                <strong>{formatDateTime(v.visitedAt)}</strong>：
                {[
                  t(v.childPresent ? 'ledger.child.childYes' : 'ledger.child.childNo'),
                  t(v.guardianPresent ? 'ledger.child.guardianYes' : 'ledger.child.guardianNo'),
                  t(v.arrangementAdequate ? 'ledger.child.adequateShort' : 'ledger.child.inadequateShort'),
                ].join('，')}
                {v.needs.length > 0 ? `；${t('ledger.child.needs', { needs: v.needs.join('、') })}` : null}
                {v.newConcern ? (
                  <>
                    {' '}
                    <span className="badge badge--overdue">{t('ledger.child.newConcern')}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        <h3>{t('ledger.child.transfers')}</h3>
        {child.transfers.length === 0 ? (
          <p className="muted">{t('ledger.child.noTransfers')}</p>
        ) : (
          <ul className="plain" data-testid="ledger-transfers">
            {child.transfers.map((tr, i) => (
              <li key={i}>
                {t('ledger.child.transferLine', {
                  date: formatDate(tr.at),
                  from: tr.from,
                  to: tr.to,
                  reason: tr.reason,
                })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function draftOf(child: LedgerChildView): FactsDraft {
  return {
    categories: child.categories.map((c) => c.code),
    leftBehind: child.leftBehind,
    riskLevel: child.riskLevel === 'unassessed' ? '' : child.riskLevel,
    school: child.school ?? '',
    guardians: child.guardians.map((g) => ({
      name: g.name,
      relation: g.relation,
      phone: g.phone ?? '',
      status: g.status,
    })),
    hasArrangement: child.arrangement !== null,
    arrangement: {
      caregiverName: child.arrangement?.caregiverName ?? '',
      relation: child.arrangement?.relation ?? '',
      phone: child.arrangement?.phone ?? '',
      since: child.arrangement?.since?.slice(0, 10) ?? '',
      parentsWorkplace: child.arrangement?.parentsWorkplace ?? '',
      parentsPhone: '',
    },
  };
}

function EditFacts({
  child,
  categoryTypes,
  onSaved,
}: {
  child: LedgerChildView;
  categoryTypes: Parameters<typeof FactsFields>[0]['categoryTypes'];
  onSaved: () => void;
}) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [initial] = useState(() => draftOf(child));
  const [draft, setDraft] = useState<FactsDraft>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFormError(undefined);
    try {
      const now = factsBody(draft);
      const before = factsBody(initial);
      // Only what changed is sent: an unchanged arrangement keeps what the page does not show (the parents' phone).
      const patch: Record<string, unknown> = {};
      // A fact can be changed, not blanked: the API keeps what an empty field would have erased.
      for (const k of Object.keys(now) as Array<keyof typeof now>)
        if (now[k] !== undefined && JSON.stringify(now[k]) !== JSON.stringify(before[k])) patch[k] = now[k];
      if (draft.school.trim() && draft.school.trim() !== initial.school.trim()) patch.school = draft.school.trim();
      await api.ledger.update(child.childId, { ...patch, version: child.version });
      setOpen(false);
      onSaved();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setFormError(t('ledger.edit.stale'));
        onSaved();
      } else if (err instanceof ApiError && Object.keys(err.fields).length > 0)
        setErrors(fieldErrorsInWords(err.fields, locale));
      else setFormError(err instanceof ApiError ? t('form.serverRejected', { message: err.message }) : String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  if (!open)
    return (
      <p className="actions">
        <button type="button" onClick={() => setOpen(true)}>
          {t('ledger.edit.open')}
        </button>
      </p>
    );
  return (
    <section className="panel" aria-labelledby="edit-h">
      <h2 id="edit-h">{t('ledger.edit.title')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} labels={factsLabels(t, draft)} version={attempt} formError={formError} />
        <FactsFields draft={draft} set={setDraft} errors={errors} categoryTypes={categoryTypes} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('ledger.edit.save')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('ledger.edit.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function TransferForm({
  child,
  districtCode: home,
  onDone,
}: {
  child: LedgerChildView;
  districtCode: string;
  onDone: (to: string) => void;
}) {
  const { t, locale, pick } = useI18n();
  const policies = useLoad(() => api.policies(), []);
  const [districtCode, setDistrictCode] = useState(home);
  const directory = useLoad(() => directoryOf(districtCode), [districtCode]);
  const [streetCode, setStreetCode] = useState<string>();
  const [committeeCode, setCommitteeCode] = useState<string>();
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const agencies = directory.status === 'ready' ? directory.data : [];
  const districts = policies.status === 'ready' ? policies.data.map((p) => p.district) : [];
  const labels = {
    districtCode: t('ledger.transfer.district'),
    streetCode: t('ledger.transfer.street'),
    committeeCode: t('ledger.transfer.committee'),
    reason: t('ledger.transfer.reason'),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAttempt((n) => n + 1);
    setFormError(undefined);
    const local: FieldErrors = {};
    if (!streetCode) local.streetCode = t('form.required');
    if (!reason.trim()) local.reason = t('form.required');
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.ledger.transfer(child.childId, {
        districtCode,
        streetCode: streetCode!,
        committeeCode,
        reason: reason.trim(),
      });
      const street = agencies.find((a) => a.type === 'street_office' && a.jurisdiction.streetCode === streetCode);
      const committee = agencies.find((a) => a.level === 'committee' && a.jurisdiction.committeeCode === committeeCode);
      onDone([street ? pick(street.name) : '', committee ? pick(committee.name) : ''].filter(Boolean).join(' · '));
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0)
        setErrors(fieldErrorsInWords(err.fields, locale));
      else setFormError(err);
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="transfer-h">
      <h2 id="transfer-h">{t('ledger.transfer.title')}</h2>
      <p className="muted small">{t('ledger.transfer.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary errors={errors} labels={labels} version={attempt} />
        {formError ? <ErrorNotice error={formError} /> : null}
        <Field path="districtCode" label={t('ledger.transfer.district')} error={errors.districtCode}>
          {(p) => (
            <select
              {...p}
              value={districtCode}
              onChange={(e) => {
                setDistrictCode(e.target.value);
                setStreetCode(undefined);
                setCommitteeCode(undefined);
              }}
            >
              {districts.map((d) => (
                <option key={d.code} value={d.code}>
                  {pick(d.name)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <StreetPicker
          path="streetCode"
          label={t('ledger.transfer.street')}
          agencies={agencies}
          value={streetCode}
          onChange={(s) => {
            setStreetCode(s);
            setCommitteeCode(undefined);
          }}
          unknownLabel={t('ledger.transfer.streetNone')}
          error={errors.streetCode}
        />
        <CommitteePicker
          path="committeeCode"
          label={t('ledger.transfer.committee')}
          agencies={agencies}
          streetCode={streetCode}
          value={committeeCode}
          onChange={setCommitteeCode}
        />
        <Field path="reason" label={t('ledger.transfer.reason')} required error={errors.reason}>
          {(p) => <input {...p} type="text" value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {t('ledger.transfer.submit')}
        </button>
      </form>
    </section>
  );
}
