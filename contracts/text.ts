/**
 * Text and identity rules at the API edge (pure functions, unit-tested in test/unit/api/text.test.ts).
 *
 * Every string a client sends is NFC-normalised (so "é" typed two ways is one name and one keyed hash) and refused if
 * it holds a lone surrogate, a control character other than tab, line feed and carriage return, or a bidirectional
 * embedding/override/isolate control (which can make a name or a narrative read differently from what is stored).
 * Names are stricter: one line, no zero-width characters, no invisible formatting, at least one letter.
 *
 * Resident identity numbers (居民身份证号码, GB 11643-1999): 17 digits and a check character computed with ISO 7064
 * MOD 11-2; digits 7-14 are the date of birth, which must be a real date and agree with any date of birth given.
 */

/** Lone surrogates: halves of a UTF-16 pair without their partner (JSON "\ud800" escapes produce these). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 controls except \t \n \r, DEL, and C1 controls. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** Zero-width and invisible formatting characters: ZWSP ZWNJ ZWJ LRM RLM, word joiner and invisible operators,
 * Mongolian vowel separator, BOM/ZWNBSP, soft hyphen, combining grapheme joiner, Hangul fillers. */
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\u180E\uFEFF\u00AD\u115F\u1160\u3164\uFFA0]|\u034F/;
const LINE_BREAK = /[\t\n\r\u2028\u2029\u0085]/;
const LETTER = /\p{L}/u;

/** Why a string is refused anywhere in a request, or undefined if it is acceptable. */
export function textProblem(value: string): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text)';
  if (CONTROL.test(value)) return 'contains a control character';
  if (BIDI_CONTROL.test(value)) return 'contains a bidirectional override or isolate character';
  return undefined;
}

/** Why a person's or unit's name is refused (on top of `textProblem`), or undefined. */
export function nameProblem(value: string): string | undefined {
  const general = textProblem(value);
  if (general) return general;
  if (LINE_BREAK.test(value)) return 'must be one line';
  if (INVISIBLE.test(value)) return 'contains a zero-width or invisible character';
  if (value.trim() && !LETTER.test(value)) return 'must contain letters';
  return undefined;
}

/** NFC, the one form stored and hashed. */
export function normalizeText(value: string): string {
  return value.normalize('NFC');
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

/** The GB 11643 check character for the first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/** "YYYY-MM-DD" if it names a real calendar date, else undefined. */
export function calendarDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The date of birth a resident ID number carries, if it is a real date. */
export function residentIdBirthDate(idNumber: string): string | undefined {
  const digits = idNumber.slice(6, 14);
  if (!/^\d{8}$/.test(digits)) return undefined;
  return calendarDate(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8)));
}

/** Why an 18-character resident ID number is refused, or undefined. `today` bounds the birth date. */
export function residentIdProblem(idNumber: string, today: Date = new Date()): string | undefined {
  const id = idNumber.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be an 18-character resident ID number';
  const birth = residentIdBirthDate(id);
  if (!birth) return 'holds no valid date of birth (digits 7-14)';
  if (birth < '1900-01-01' || birth > today.toISOString().slice(0, 10)) return 'holds an impossible date of birth';
  if (residentIdCheckCharacter(id) !== id[17]) return 'has a wrong check digit (GB 11643)';
  return undefined;
}

/** Today minus `years` years, as "YYYY-MM-DD" (29 February falls back to 28 February). */
export function yearsBefore(today: Date, years: number): string {
  const y = today.getUTCFullYear() - years;
  const m = today.getUTCMonth() + 1;
  const d = today.getUTCDate();
  return calendarDate(y, m, d) ?? calendarDate(y, m, d - 1)!;
}

/**
 * Why a child's date of birth is refused: it must lie in the past and within the last 18 years (a minor, 未成年人
 * under the Minors Protection Law; the district policies cover 未成年人 only), or undefined.
 */
export function childBirthDateProblem(dateOfBirth: string, today: Date = new Date()): string | undefined {
  const todayIso = today.toISOString().slice(0, 10);
  if (dateOfBirth > todayIso) return 'lies in the future';
  if (dateOfBirth <= yearsBefore(today, 18)) return 'is 18 or more years ago: not a minor';
  return undefined;
}

/** The earliest instant a report may say something was discovered, detained or happened. */
export const EARLIEST_EVENT = '2000-01-01T00:00:00Z';

/** Why the instant of an event (discovery, detention) is refused: not before 2000, not ahead of now by a minute. */
export function eventInstantProblem(instant: string, now: Date = new Date()): string | undefined {
  const at = new Date(instant).getTime();
  if (!Number.isFinite(at)) return 'is not a date and time';
  if (at > now.getTime() + 60_000) return 'lies in the future';
  if (at < Date.parse(EARLIEST_EVENT)) return 'lies before 2000';
  return undefined;
}
