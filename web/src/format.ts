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
