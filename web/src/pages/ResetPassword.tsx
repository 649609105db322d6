/**
 * Setting a new password with the one-time code an administrator gave (a new account's first password, or a reset).
 * Open without signing in; afterwards the person signs in with the new password.
 */
import { useState, type FormEvent } from 'react';
import { PASSWORD_MIN_LENGTH } from '../../../contracts/accounts';
import { ApiError, api } from '../api/client';
import { ErrorSummary, Field, type FieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { Link } from '../router';

export function ResetPasswordPage() {
  const { t } = useI18n();
  const [values, setValues] = useState({ email: '', code: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const set = (key: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const labels = {
    email: t('login.email'),
    code: t('reset.code'),
    newPassword: t('reset.newPassword'),
    confirm: t('reset.confirm'),
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: FieldErrors = {};
    if (!values.email.trim()) found.email = t('login.emailRequired');
    if (!values.code.trim()) found.code = t('reset.codeRequired');
    if (values.newPassword.length < PASSWORD_MIN_LENGTH)
      found.newPassword = t('reset.tooShort', { n: PASSWORD_MIN_LENGTH });
    else if (values.confirm !== values.newPassword) found.confirm = t('reset.mismatch');
    setErrors(found);
    setFormError(undefined);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await api.resetPassword({
        email: values.email.trim(),
        code: values.code.trim(),
        newPassword: values.newPassword,
      });
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.fields.code) setErrors({ code: t('reset.codeInvalid') });
      else if (err instanceof ApiError && err.isNetwork) setFormError(t('app.networkError'));
      else if (err instanceof ApiError) {
        setErrors(err.fields);
        setFormError(err.message);
      } else setFormError(String(err));
      setAttempt((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  if (done)
    return (
      <section className="page page--narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">{t('reset.title')}</h1>
        <p className="notice notice--ok" role="status">
          {t('reset.done')}
        </p>
        <Link href="/login">{t('reset.toLogin')}</Link>
      </section>
    );

  return (
    <section className="page page--narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">{t('reset.title')}</h1>
      <p className="muted">{t('reset.intro')}</p>
      <ErrorSummary errors={errors} labels={labels} version={attempt} formError={formError} />
      <form onSubmit={onSubmit} noValidate>
        <Field path="email" label={labels.email} required error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="username"
              inputMode="email"
              value={values.email}
              onChange={(e) => set('email')(e.target.value)}
            />
          )}
        </Field>
        <Field path="code" label={labels.code} required error={errors.code} hint={t('reset.codeHint')}>
          {(p) => (
            <input
              {...p}
              autoComplete="one-time-code"
              autoCapitalize="characters"
              value={values.code}
              onChange={(e) => set('code')(e.target.value)}
            />
          )}
        </Field>
        <Field
          path="newPassword"
          label={labels.newPassword}
          required
          error={errors.newPassword}
          hint={t('reset.tooShort', { n: PASSWORD_MIN_LENGTH })}
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={values.newPassword}
              onChange={(e) => set('newPassword')(e.target.value)}
            />
          )}
        </Field>
        <Field path="confirm" label={labels.confirm} required error={errors.confirm}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={values.confirm}
              onChange={(e) => set('confirm')(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {t('reset.submit')}
        </button>
      </form>
    </section>
  );
}
