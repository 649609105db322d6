/**
 * The API's field errors in the user's language. The API answers a 400 with each invalid field's dotted path (the same
 * paths the forms' own checks use, so both land beside the same field) and zod's message, which is English ("must be
 * a phone number"). A form shows each in Chinese by the kind of problem the message names, with the API's English
 * alongside (as the command forms show a workflow's refusal); in English, the API's message as it came.
 */
import type { Locale } from '../i18n/messages';

/** By dotted field path, as form.tsx's FieldErrors (this file stays free of JSX for the server's type check). */
type FieldErrors = Record<string, string>;

/** The kinds of problem zod and the contracts' own messages name, most specific first. */
const KINDS: { test: RegExp; zh: string }[] = [
  { test: /phone/i, zh: '请填写有效的电话号码' },
  { test: /resident id|identity number|check (digit|character)/i, zh: '身份证号码有误' },
  { test: /before 2000|in the future|date of birth/i, zh: '日期不在有效范围内' },
  { test: /date|YYYY/i, zh: '请按“年-月-日”填写有效日期' },
  { test: /too big|too long|at most|<=/i, zh: '内容过长' },
  {
    test: /required|received undefined|too small|at least|>=|empty/i,
    zh: '必填，请填写',
  },
  { test: /invalid option|expected one of|enum/i, zh: '请从选项中选择' },
  { test: /unrecognized key/i, zh: '不接受的内容' },
];
const OTHER = '填写有误';

/** One API message in words: its kind's Chinese with the API's English alongside, or the English as it came. */
export function fieldWords(message: string, locale: Locale): string {
  // A message already in Chinese (the API's own words for a rule) is shown as it came.
  if (locale !== 'zh' || /\p{Script=Han}/u.test(message)) return message;
  const zh = KINDS.find((k) => k.test.test(message))?.zh ?? OTHER;
  return `${zh}（${message}）`;
}

/** The API's field errors (ApiError.fields), each in words, on the same dotted paths. */
export function fieldErrorsInWords(fields: Readonly<FieldErrors>, locale: Locale): FieldErrors {
  return Object.fromEntries(Object.entries(fields).map(([path, message]) => [path, fieldWords(message, locale)]));
}
