/** Sign-in. Each role then lands on its own home (session.ts homeFor). */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { ErrorSummary, Field, type FieldErrors } from '../components/form';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { homeFor, useSession } from '../session';

export function LoginPage() {
  const { t } = useI18n();
  const { signIn } = useSession();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found: FieldErrors = {};
    if (!email.trim()) found.email = t('login.emailRequired');
    if (!password) found.password = t('login.passwordRequired');
    setErrors(found);
    setFormError(undefined);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const user = await signIn(email.trim(), password);
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(user.role), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setFormError(t('login.failed'));
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

  return (
    <section className="page page--narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <p className="muted">{t('login.intro')}</p>
      <ErrorSummary
        errors={errors}
        labels={{ email: t('login.email'), password: t('login.password') }}
        version={attempt}
        formError={formError}
      />
      <form onSubmit={onSubmit} noValidate>
        <Field path="email" label={t('login.email')} required error={errors.email}>
          {(p) => (
            <input
              {...p}
              type="email"
              name="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field path="password" label={t('login.password')} required error={errors.password}>
          {(p) => (
            <input
              {...p}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
      <p>
        <Link href="/reset-password">{t('login.haveCode')}</Link>
      </p>
    </section>
  );
}
