/**
 * ISO-8601 durations as the policy packs write them (P1M, P6M, PT30M, P7D …) and calendar arithmetic over them.
 * Pure and deterministic, so workflows may use it: "1 month" from 31 January is the last day of February, as a
 * person counting a legal deadline would read it.
 */
export const ISO_DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export function parseDuration(iso: string): DurationParts {
  const m = ISO_DURATION.exec(iso);
  if (!m) throw new RangeError(`not an ISO-8601 duration: ${JSON.stringify(iso)}`);
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function isDuration(iso: string): boolean {
  return ISO_DURATION.test(iso);
}

/** Adds a duration to an instant in UTC calendar terms; month ends clamp (31 Jan + P1M = 28/29 Feb). */
export function addDuration(from: Date | number, iso: string): Date {
  const d = parseDuration(iso);
  const start = new Date(typeof from === 'number' ? from : from.getTime());
  const totalMonths = start.getUTCMonth() + d.months + 12 * d.years;
  const year = start.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    year,
    month,
    day,
    start.getUTCHours(),
    start.getUTCMinutes(),
    start.getUTCSeconds(),
    start.getUTCMilliseconds(),
  );
  const fixedMs = ((d.weeks * 7 + d.days) * 24 * 3600 + d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000;
  return new Date(shifted + fixedMs);
}

/** Subtracts a duration (for "remind 7 days before the cap"). */
export function subtractDuration(from: Date | number, iso: string): Date {
  const d = parseDuration(iso);
  const start = new Date(typeof from === 'number' ? from : from.getTime());
  const fixedMs = ((d.weeks * 7 + d.days) * 24 * 3600 + d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000;
  const back = new Date(start.getTime() - fixedMs);
  const totalMonths = back.getUTCMonth() - d.months - 12 * d.years;
  const year = back.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = ((totalMonths % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(back.getUTCDate(), lastDay),
      back.getUTCHours(),
      back.getUTCMinutes(),
      back.getUTCSeconds(),
      back.getUTCMilliseconds(),
    ),
  );
}
