/**
 * One task: what the policy asks, the part of the child's file the task needs (the API sends nothing more), the
 * deadlines and escalations, and the actions the task's state allows: accept, decline with a reason, or complete
 * with the typed outcome of its kind. Another agency's task answers 403/404 and shows only that.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, api } from '../api/client';
import type { ConcernType } from '../../../contracts/policies';
import type { TaskView } from '../../../contracts/tasks';
import { ErrorSummary, Field, type FieldErrors } from '../components/form';
import { ChildFile } from '../components/ChildFile';
import { TaskReports } from '../components/TaskReports';
import { TaskSubject } from '../components/TaskSubject';
import { Countdown, Loaded } from '../components/status';
import { useLoad, useNow } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { buildOutcome, initialValues, type OutcomeContext, type Values } from '../outcomes/build';
import { OutcomeFields } from '../outcomes/forms';
import { OutcomeView } from '../outcomes/OutcomeView';
import { isTaskKind as hasOutcomeForm, type TaskKind as OutcomeKind } from '../../../contracts/outcomes';
import { Link } from '../router';
import { currentDeadline } from './Inbox';
import { escalationLine } from '../components/notify';
import { humanizeDurations } from '../format';

export function TaskPage({ taskId }: { taskId: string }) {
  const { t } = useI18n();
  const view = useLoad(() => api.task(taskId), [taskId]);
  const policies = useLoad(() => api.policies(), []);
  const concernTypes = policies.status === 'ready' ? policies.data.flatMap((p) => p.concernTypes) : [];
  const benefitTypes = policies.status === 'ready' ? policies.data.flatMap((p) => p.benefitTypes ?? []) : [];
  return (
    <section className="page" aria-labelledby="task-title">
      {view.status !== 'ready' ? <h1 id="task-title">{t('inbox.task')}</h1> : null}
      <Loaded state={view} forbidden={t('task.forbidden')} notFound={t('task.notFound')}>
        {(data) => (
          <TaskBody view={data} concernTypes={concernTypes} benefitTypes={benefitTypes} onChanged={view.reload} />
        )}
      </Loaded>
      {view.status === 'error' ? (
        <p>
          <Link href="/inbox">{t('nav.inbox')}</Link>
        </p>
      ) : null}
    </section>
  );
}

function TaskBody({
  view,
  concernTypes,
  benefitTypes,
  onChanged,
}: {
  view: TaskView;
  concernTypes: ConcernType[];
  benefitTypes: ConcernType[];
  onChanged(): void;
}) {
  const { t, pick, formatDateTime } = useI18n();
  const now = useNow();
  const { task, policy, child } = view;
  const open = task.status !== 'completed' && task.status !== 'declined' && task.status !== 'withdrawn';
  const canAccept = task.status === 'created' || task.status === 'notified';
  const canComplete = task.status === 'accepted';
  const dl = currentDeadline(task);
  const [message, setMessage] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (run: () => Promise<unknown>, done: MessageKey) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await run();
      setMessage(t(done));
      onChanged();
    } catch (err) {
      setActionError(err instanceof ApiError ? (err.isNetwork ? t('app.networkError') : err.message) : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 id="task-title">{t('task.title', { label: pick(task.label) || task.kind })}</h1>
      <p>
        <span className={`status status--${task.status}`}>{t(`status.${task.status}` as MessageKey)}</span>{' '}
        {task.caseId.startsWith('case-') ? (
          <Link href={`/cases/${encodeURIComponent(task.caseId)}`}>{t('task.caseLink')}</Link>
        ) : null}
        {/* A ledger task (an inadequate care arrangement) belongs to the child's monitoring workflow, ledger-<childId>. */}
        {task.caseId.startsWith('ledger-') ? (
          <Link href={`/ledger/children/${encodeURIComponent(task.caseId.slice('ledger-'.length))}`}>
            {t('task.ledgerLink')}
          </Link>
        ) : null}
      </p>
      {task.status === 'withdrawn' && task.withdrawalReason ? (
        <p className="notice" role="note" id="task-withdrawn">
          {t(`task.withdrawn.${task.withdrawalReason}`)}
        </p>
      ) : null}
      {message ? (
        <p className="notice notice--ok" role="status">
          {message}
        </p>
      ) : null}
      {actionError ? (
        <p className="notice notice--error" role="alert">
          {actionError}
        </p>
      ) : null}

      <div className="grid">
        <section className="panel" aria-labelledby="policy-h">
          <h2 id="policy-h">{t('task.policy')}</h2>
          <p>
            <strong>{pick(policy.label)}</strong> <span className="clause">{policy.clause}</span>
          </p>
          <p className="policy-text">{humanizeDurations(pick(policy.text), t)}</p>
        </section>
        <section className="panel" aria-labelledby="deadlines-h">
          <h2 id="deadlines-h">{t('task.deadlines')}</h2>
          <dl className="kv">
            <dt>{t('deadline.accept')}</dt>
            <dd>
              {formatDateTime(task.acceptBy)}{' '}
              {open && dl.phase === 'accept' ? (
                <Countdown deadline={task.acceptBy} now={now} overdue={task.overdue} />
              ) : null}
            </dd>
            <dt>{t('deadline.complete')}</dt>
            <dd>
              {formatDateTime(task.completeBy)}{' '}
              {open && dl.phase === 'complete' ? (
                <Countdown deadline={task.completeBy} now={now} overdue={task.overdue} />
              ) : null}
            </dd>
            <dt>{t('inbox.clause')}</dt>
            <dd>
              <span className="clause">{task.clause}</span>
            </dd>
          </dl>
          {task.escalations?.length ? (
            <>
              <h3>{t('task.escalations')}</h3>
              <ul>
                {task.escalations.map((e) => (
                  <li key={`${e.phase}-${e.rung}`}>{escalationLine(e, t, formatDateTime)}</li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
        {task.subject ? (
          <TaskSubject subject={task.subject} />
        ) : (
          <section className="panel" aria-labelledby="child-h">
            <h2 id="child-h">{t('task.child')}</h2>
            <ChildFile child={child} concernTypes={concernTypes} />
          </section>
        )}
        {view.reports ? <TaskReports reports={view.reports} concernTypes={concernTypes} /> : null}
        {task.gradingUnderReview ? (
          <section className="panel" aria-labelledby="grading-h" data-testid="grading-under-review">
            <h2 id="grading-h">{t('outcome.gradingReview.underReview')}</h2>
            <p>
              {t('outcome.gradingReview.graded', {
                risk: t(`risk.${task.gradingUnderReview.riskLevel}`),
                next: t(`outcome.recommendation.${task.gradingUnderReview.recommendation}`),
              })}
            </p>
          </section>
        ) : null}
      </div>
      {task.sentBack ? (
        <p className="notice" role="status" data-testid="grading-sent-back">
          {t('outcome.gradingReview.sentBack', { reason: task.sentBack.reason })}
        </p>
      ) : null}

      {canAccept ? (
        <p className="actions">
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void act(() => api.acceptTask(task.taskId), 'task.accepted')}
          >
            {busy ? t('task.accepting') : t('task.accept')}
          </button>
        </p>
      ) : null}

      {canComplete ? (
        hasOutcomeForm(task.kind) ? (
          <CompleteForm
            key={task.kind}
            kind={task.kind}
            taskId={task.taskId}
            ctx={{
              concerns: task.concerns ?? [],
              concernTypes,
              benefits: task.benefits ?? [],
              benefitTypes,
              benefitChoices: policy.benefitChoices,
              caseId: task.caseId,
            }}
            onDone={() => {
              setMessage(t('task.completed'));
              onChanged();
            }}
          />
        ) : (
          <p className="notice">{t('task.noForm')}</p>
        )
      ) : null}

      {open ? (
        <DeclineForm
          taskId={task.taskId}
          onDone={() => {
            setMessage(t('task.declined'));
            onChanged();
          }}
        />
      ) : null}

      {task.outcome ? (
        <section className="panel" aria-labelledby="outcome-h">
          <h2 id="outcome-h">{t('task.recordedOutcome')}</h2>
          <OutcomeView outcome={task.outcome} concernTypes={concernTypes} />
        </section>
      ) : null}
    </>
  );
}

function CompleteForm({
  kind,
  taskId,
  ctx,
  onDone,
}: {
  kind: OutcomeKind;
  taskId: string;
  ctx: OutcomeContext;
  onDone(): void;
}) {
  const { t } = useI18n();
  const [values, setValues] = useState<Values>(() => initialValues(kind, ctx));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  const set = (path: string, value: string | boolean | string[]) => setValues((v) => ({ ...v, [path]: value }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const { outcome, errors: found } = buildOutcome(kind, values, ctx, t);
    setErrors(found);
    setFormError(undefined);
    setAttempt((n) => n + 1);
    if (!outcome) return;
    setBusy(true);
    try {
      await api.completeTask(taskId, outcome);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fields);
        setFormError(err.isNetwork ? t('app.networkError') : t('form.serverRejected', { message: err.message }));
      } else setFormError(String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="complete-h">
      <h2 id="complete-h">{t('task.outcome')}</h2>
      <ErrorSummary errors={errors} labels={{}} version={attempt} formError={formError} />
      <form onSubmit={onSubmit} noValidate>
        <OutcomeFields kind={kind} ctx={ctx} values={values} set={set} errors={errors} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('task.completing') : t('task.complete')}
        </button>
      </form>
    </section>
  );
}

function DeclineForm({ taskId, onDone }: { taskId: string; onDone(): void }) {
  const { t } = useI18n();
  const [openForm, setOpenForm] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (!openForm)
    return (
      <p className="actions">
        <button type="button" onClick={() => setOpenForm(true)} aria-expanded={false}>
          {t('task.decline')}
        </button>
      </p>
    );

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setError(t('task.declineReasonRequired'));
      document.getElementById('f-reason')?.focus();
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await api.declineTask(taskId, reason.trim());
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.fields.reason);
        setFormError(err.isNetwork ? t('app.networkError') : err.message);
      } else setFormError(String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="decline-h">
      <h2 id="decline-h">{t('task.decline')}</h2>
      {formError ? (
        <p className="notice notice--error" role="alert">
          {formError}
        </p>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <Field path="reason" label={t('task.declineReason')} required error={error}>
          {(p) => <textarea {...p} rows={3} autoFocus value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {t('task.declineSubmit')}
        </button>
      </form>
    </section>
  );
}
