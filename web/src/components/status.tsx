/** What a page shows while loading, after an error, and for the deadline of a task. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { formatSpan } from '../format';
import type { Loadable } from '../hooks';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorNotice({
  error,
  onRetry,
  forbidden,
  notFound,
}: {
  error: unknown;
  onRetry?: () => void;
  forbidden?: string;
  notFound?: string;
}) {
  const { t } = useI18n();
  let message: string;
  let requestId: string | undefined;
  // Retrying cannot change a refusal or an absence.
  const final = error instanceof ApiError && [401, 403, 404].includes(error.status);
  if (error instanceof ApiError) {
    requestId = error.requestId;
    if (error.isNetwork) message = t('app.networkError');
    else if (error.status === 403) message = forbidden ?? t('app.forbidden');
    else if (error.status === 404) message = notFound ?? t('app.notFound');
    else message = error.message;
  } else message = error instanceof Error ? error.message : String(error);
  return (
    <div className="notice notice--error" role="alert" data-testid="error-notice">
      <p>{message}</p>
      {requestId ? <p className="muted small">{t('app.requestId', { id: requestId })}</p> : null}
      {onRetry && !final ? (
        <button type="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** Renders `children(data)` once loaded; loading and error states otherwise. */
export function Loaded<T>({
  state,
  children,
  forbidden,
  notFound,
}: {
  state: Loadable<T> & { reload(): void };
  children: (data: T) => ReactNode;
  forbidden?: string;
  notFound?: string;
}) {
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error')
    return <ErrorNotice error={state.error} onRetry={state.reload} forbidden={forbidden} notFound={notFound} />;
  return <>{children(state.data)}</>;
}

/** "剩余 2小时" or a marked "已超期 30分钟": overdue is said in words and a badge, not by colour alone. */
export function Countdown({ deadline, now, overdue }: { deadline: string | null; now: number; overdue?: boolean }) {
  const { t, formatDateTime } = useI18n();
  if (deadline === null) return null;
  const ms = Date.parse(deadline) - now;
  const late = overdue || ms < 0;
  return (
    <span
      className={late ? 'countdown countdown--overdue' : ms < 3_600_000 ? 'countdown countdown--soon' : 'countdown'}
    >
      {late ? <span className="badge badge--overdue">{t('deadline.overdueBadge')}</span> : null}{' '}
      <time dateTime={deadline} title={formatDateTime(deadline)}>
        {late ? t('deadline.overdue', { time: formatSpan(ms, t) }) : t('deadline.left', { time: formatSpan(ms, t) })}
      </time>
    </span>
  );
}
