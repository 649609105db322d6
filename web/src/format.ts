/** Time arithmetic the pages share: countdowns to deadlines and the share of a clock already used. */
import type { Translate } from './i18n/messages';

/** "2天3小时" / "3h 20min": the two largest units of a span, never "0". */
export function formatSpan(ms: number, t: Translate): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('duration.lt1m');
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d) parts.push(t('duration.d', { n: d }));
  if (h) parts.push(t('duration.h', { n: h }));
  if (m && !d) parts.push(t('duration.m', { n: m }));
  return parts.slice(0, 2).join(' ');
}

const ISO_DURATION = /\bP(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?\b/g;

/**
 * Policy texts from the API name durations as the pack writes them (ISO 8601: "PT15M", "PT4H", "P3D"); people read
 * "15分钟", "4小时", "3天". Anything that is not a whole duration is left as it is.
 */
export function humanizeDurations(text: string, t: Translate): string {
  return text.replace(
    ISO_DURATION,
    (match, y?: string, mo?: string, w?: string, d?: string, h?: string, m?: string) => {
      if (match === 'P' || match.endsWith('T')) return match;
      const parts: string[] = [];
      if (y) parts.push(t('duration.y', { n: Number(y) }));
      if (mo) parts.push(t('duration.mo', { n: Number(mo) }));
      const days = Number(w ?? 0) * 7 + Number(d ?? 0);
      const minutes = days * 1440 + Number(h ?? 0) * 60 + Number(m ?? 0);
      if (minutes > 0) parts.push(formatSpan(minutes * 60_000, t));
      return parts.length ? parts.join(' ') : match;
    },
  );
}

/** How far `now` is through [start, end], clamped to 0..1; a clock past its end is full. */
export function elapsedFraction(startIso: string, endIso: string, now: number): number {
  const start = Date.parse(startIso);
  const end = Date.parse(endIso);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return now >= end ? 1 : 0;
  return Math.min(1, Math.max(0, (now - start) / (end - start)));
}

/** The value for an <input type="datetime-local"> showing this instant in the browser's time zone. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An ISO instant with the browser's offset (+08:00 in China) from an <input type="datetime-local"> value. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return undefined;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${toLocalInput(d)}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}
