/**
 * The district administrator's screen: the district's accounts by agency name, a form to create one, and for each
 * account: change role and agency, deactivate or reactivate, and issue a one-time code for a new password. A new
 * account and a reset both show the code once, here; the person sets their password with it at /reset-password.
 * Administrators see no child data (domain.md §6): nothing here reads a case.
 */
import { useMemo, useState, type ComponentProps, type FormEvent } from 'react';
import { ROLES, type Role } from '../../../contracts/roles';
import type { Account, PasswordResetIssued } from '../../../contracts/accounts';
import { ApiError, api, type DirectoryAgency } from '../api/client';
import { ErrorSummary, Field, type FieldErrors } from '../components/form';
import { Loaded } from '../components/status';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useUser } from '../session';

const LEVELS: DirectoryAgency['level'][] = ['district', 'street_township', 'committee'];

function AgencySelect(props: {
  agencies: DirectoryAgency[];
  value: string;
  onChange: (code: string) => void;
  control: ComponentProps<'select'>;
}) {
  const { t, locale } = useI18n();
  return (
    <select {...props.control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{t('admin.chooseAgency')}</option>
      {LEVELS.map((level) => (
        <optgroup key={level} label={t(`admin.level.${level}`)}>
          {props.agencies
            .filter((a) => a.level === level)
            .map((a) => (
              <option key={a.code} value={a.code}>
                {locale === 'zh' ? a.name.zh : a.name.en}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

function RoleSelect(props: { value: string; onChange: (role: string) => void; control: ComponentProps<'select'> }) {
  const { t } = useI18n();
  return (
    <select {...props.control} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{t('admin.chooseRole')}</option>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </select>
  );
}

function errorsOf(err: unknown, t: ReturnType<typeof useI18n>['t']): { fields: FieldErrors; message: string } {
  if (err instanceof ApiError) {
    if (err.isNetwork) return { fields: {}, message: t('app.networkError') };
    if (err.status === 409) return { fields: {}, message: t('admin.conflict', { message: err.message }) };
    return { fields: err.fields, message: err.message };
  }
  return { fields: {}, message: String(err) };
}

/** The one-time code, shown once with what to do with it. */
function IssuedCode({ issued, onDone }: { issued: PasswordResetIssued; onDone: () => void }) {
  const { t, formatDateTime } = useI18n();
  return (
    <div className="notice" role="status" aria-live="polite">
      <p>{t('admin.codeIntro', { name: issued.account.displayName, email: issued.account.email })}</p>
      <p className="code" data-testid="one-time-code">
        {issued.code}
      </p>
      <p className="muted">
        {t('admin.codeHowTo', {
          until: formatDateTime(issued.expiresAt),
          path: `${window.location.origin}/reset-password`,
        })}
      </p>
      <button type="button" onClick={onDone}>
        {t('admin.codeDone')}
      </button>
    </div>
  );
}

function CreateAccount(props: { agencies: DirectoryAgency[]; onCreated: (issued: PasswordResetIssued) => void }) {
  const { t } = useI18n();
  const [values, setValues] = useState({ displayName: '', email: '', role: '', agencyCode: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const labels = {
    displayName: t('admin.displayName'),
    email: t('admin.email'),
    role: t('admin.role'),
    agencyCode: t('admin.agency'),
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: FieldErrors = {};
    if (!values.displayName.trim()) found.displayName = t('admin.required');
    if (!values.email.trim()) found.email = t('admin.required');
    if (!values.role) found.role = t('admin.required');
    if (!values.agencyCode) found.agencyCode = t('admin.required');
    setErrors(found);
    setFormError(undefined);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const issued = await api.createAccount({
        displayName: values.displayName.trim(),
        email: values.email.trim(),
        role: values.role as Role,
        agencyCode: values.agencyCode,
      });
      setValues({ displayName: '', email: '', role: '', agencyCode: '' });
      props.onCreated(issued);
    } catch (err) {
      const { fields, message } = errorsOf(err, t);
      setErrors(fields);
      setFormError(message);
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="admin-create-title">
      <h2 id="admin-create-title">{t('admin.create')}</h2>
      <ErrorSummary errors={errors} labels={labels} version={attempt} formError={formError} />
      <Field path="displayName" label={labels.displayName} required error={errors.displayName}>
        {(p) => <input {...p} value={values.displayName} onChange={(e) => set('displayName')(e.target.value)} />}
      </Field>
      <Field path="email" label={labels.email} required error={errors.email}>
        {(p) => (
          <input
            {...p}
            type="email"
            inputMode="email"
            autoComplete="off"
            value={values.email}
            onChange={(e) => set('email')(e.target.value)}
          />
        )}
      </Field>
      <Field path="role" label={labels.role} required error={errors.role}>
        {(p) => <RoleSelect control={p} value={values.role} onChange={set('role')} />}
      </Field>
      <Field path="agencyCode" label={labels.agencyCode} required error={errors.agencyCode}>
        {(p) => (
          <AgencySelect control={p} agencies={props.agencies} value={values.agencyCode} onChange={set('agencyCode')} />
        )}
      </Field>
      <button type="submit" className="primary" disabled={busy}>
        {t('admin.createSubmit')}
      </button>
    </form>
  );
}

function AccountCard(props: {
  account: Account;
  self: boolean;
  agencies: DirectoryAgency[];
  onChanged: () => void;
  onIssued: (issued: PasswordResetIssued) => void;
}) {
  const { t, locale } = useI18n();
  const a = props.account;
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<string>(a.role);
  const [agencyCode, setAgencyCode] = useState(a.agency.code);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const name = locale === 'zh' ? a.agency.name.zh : a.agency.name.en;

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      props.onChanged();
      return true;
    } catch (err) {
      const { fields, message } = errorsOf(err, t);
      setError([message, ...Object.values(fields)].join(' '));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className={`card${a.active ? '' : ' card--inactive'}`} data-testid="account" aria-label={a.displayName}>
      <strong>{a.displayName}</strong> <span className="muted">{a.email}</span>
      <div>
        {t(`role.${a.role}`)} · {name}
      </div>
      <div>
        <span className={`badge${a.active ? '' : ' badge--overdue'}`}>
          {a.active ? t('admin.active') : t('admin.inactive')}
        </span>{' '}
        {a.resetPending ? <span className="badge">{t('admin.resetPending')}</span> : null}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {editing ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run(() =>
              api.updateAccount(a.id, {
                ...(role !== a.role ? { role: role as Role } : {}),
                ...(agencyCode !== a.agency.code ? { agencyCode } : {}),
              }),
            ).then((ok) => ok && setEditing(false));
          }}
        >
          <Field path={`role-${a.id}`} label={t('admin.role')}>
            {(p) => <RoleSelect control={p} value={role} onChange={setRole} />}
          </Field>
          <Field path={`agency-${a.id}`} label={t('admin.agency')}>
            {(p) => <AgencySelect control={p} agencies={props.agencies} value={agencyCode} onChange={setAgencyCode} />}
          </Field>
          <button
            type="submit"
            className="primary"
            disabled={busy || (role === a.role && agencyCode === a.agency.code)}
          >
            {t('admin.save')}
          </button>{' '}
          <button type="button" onClick={() => setEditing(false)}>
            {t('admin.cancel')}
          </button>
        </form>
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setEditing(true)} disabled={busy}>
            {t('admin.edit')}
          </button>{' '}
          {a.active ? (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => void run(async () => props.onIssued(await api.issuePasswordReset(a.id)))}
              >
                {t('admin.resetPassword')}
              </button>{' '}
              {props.self ? null : (
                <button type="button" disabled={busy} onClick={() => void run(() => api.deactivateAccount(a.id))}>
                  {t('admin.deactivate')}
                </button>
              )}
            </>
          ) : (
            <button type="button" disabled={busy} onClick={() => void run(() => api.reactivateAccount(a.id))}>
              {t('admin.reactivate')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function AdminPage() {
  const { t, locale } = useI18n();
  const user = useUser();
  const districtCode = user.jurisdiction.districtCode;
  const selfId = user.id;
  const accounts = useLoad(() => api.accounts(), []);
  const agencies = useLoad(() => api.agencies(districtCode), [districtCode]);
  const [issued, setIssued] = useState<PasswordResetIssued>();
  const [filter, setFilter] = useState('');
  const agencyList = useMemo(() => {
    if (agencies.status !== 'ready') return [];
    const collator = new Intl.Collator(locale === 'zh' ? 'zh-CN' : 'en');
    return [...agencies.data.items].sort((x, y) =>
      collator.compare(locale === 'zh' ? x.name.zh : x.name.en, locale === 'zh' ? y.name.zh : y.name.en),
    );
  }, [agencies, locale]);

  return (
    <section className="page" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('admin.title')}</h1>
      <p className="muted">{t('admin.intro')}</p>
      {issued ? <IssuedCode issued={issued} onDone={() => setIssued(undefined)} /> : null}
      <CreateAccount
        agencies={agencyList}
        onCreated={(i) => {
          setIssued(i);
          accounts.reload();
        }}
      />
      <h2 id="admin-list-title">{t('admin.list')}</h2>
      <Field path="account-filter" label={t('admin.filter')}>
        {(p) => <input {...p} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />}
      </Field>
      <Loaded state={accounts}>
        {({ items }) => {
          const q = filter.trim().toLowerCase();
          const shown = items.filter(
            (a) =>
              !q ||
              [a.displayName, a.email, a.agency.name.zh, a.agency.name.en].some((s) => s.toLowerCase().includes(q)),
          );
          return (
            <ul className="cards" aria-labelledby="admin-list-title">
              {shown.map((a) => (
                <AccountCard
                  key={`${a.id}-${a.updatedAt}`}
                  account={a}
                  self={a.id === selfId}
                  agencies={agencyList}
                  onChanged={accounts.reload}
                  onIssued={setIssued}
                />
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}
