/**
 * One running clock as a bar from its start to its cap, with the clause it enforces: how much of the time allowed
 * by the policy has been used, and whether it has run out.
 */
import { elapsedFraction, formatSpan } from '../format';
import { useI18n } from '../i18n';

export function ClockBar({
  label,
  clause,
  startedAt,
  firesAt,
  now,
}: {
  label: string;
  clause: string;
  startedAt: string | null;
  firesAt: string;
  now: number;
}) {
  const { t, formatDateTime } = useI18n();
  // A clock whose start is unknown shows its end only: the bar is then full once it has run out.
  const fraction = startedAt ? elapsedFraction(startedAt, firesAt, now) : now >= Date.parse(firesAt) ? 1 : 0;
  const pct = Math.round(fraction * 100);
  const ms = Date.parse(firesAt) - now;
  const late = ms < 0;
  const tone = late ? 'clock--late' : fraction >= 0.75 ? 'clock--soon' : '';
  const name = label;
  return (
    <div className={`clock ${tone}`}>
      <div className="clock__head">
        <strong>{name}</strong> <span className="clause">{clause}</span>
      </div>
      <div
        className="clock__track"
        role="meter"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${t('case.clockElapsed', { pct })}; ${late ? t('deadline.overdue', { time: formatSpan(ms, t) }) : t('deadline.left', { time: formatSpan(ms, t) })}`}
        aria-label={name}
      >
        <div className="clock__fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="clock__ends small">
        <span>{startedAt ? t('case.clockStarted', { at: formatDateTime(startedAt) }) : null}</span>
        <span>
          {late ? <span className="badge badge--overdue">{t('deadline.overdueBadge')}</span> : null}{' '}
          {t('case.clockFires', { at: formatDateTime(firesAt) })}
        </span>
      </div>
    </div>
  );
}
