/** The text, date and identity-number rules of the API edge (contracts/text.ts, api/http/json-body.ts). */
import { jsonDepth } from '../../../api/http/json-body';
import {
  calendarDate,
  childBirthDateProblem,
  eventInstantProblem,
  nameProblem,
  normalizeText,
  residentIdBirthDate,
  residentIdCheckCharacter,
  residentIdProblem,
  textProblem,
  yearsBefore,
} from '../../../contracts/text';

const TODAY = new Date('2026-11-29T10:00:00Z');

describe('text rules', () => {
  it('accepts ordinary Chinese and English text, with line breaks and tabs in free text', () => {
    expect(textProblem('孩子独自在家三天，邻居说父母外出打工。\nHe was alone.\tSeen at 8:00')).toBeUndefined();
    expect(textProblem('😀 emoji pairs are fine')).toBeUndefined();
  });

  it.each([
    ['NUL', 'ab\u0000c', 'control character'],
    ['escape', '\u001b[31mred', 'control character'],
    ['DEL', 'a\u007f', 'control character'],
    ['C1 control', 'a\u0085b', 'control character'],
    ['lone high surrogate', 'a\ud800b', 'surrogate'],
    ['lone low surrogate', '\udc00', 'surrogate'],
    ['right-to-left override', '张\u202e三', 'bidirectional'],
    ['left-to-right isolate', '\u2066x\u2069', 'bidirectional'],
  ])('refuses %s anywhere', (_label, value, message) => {
    expect(textProblem(value)).toContain(message);
  });

  it('refuses zero-width, invisible and multi-line names, and names with no letter', () => {
    expect(nameProblem('王小红')).toBeUndefined();
    expect(nameProblem('Zoë Wang-Li')).toBeUndefined();
    expect(nameProblem('阿卜杜·热合曼')).toBeUndefined();
    expect(nameProblem('王\u200b小红')).toContain('zero-width');
    expect(nameProblem('王\u200d小红')).toContain('zero-width');
    expect(nameProblem('\ufeff王小红')).toContain('zero-width');
    expect(nameProblem('王小\u00adred')).toContain('zero-width');
    expect(nameProblem('王\n小红')).toBe('must be one line');
    expect(nameProblem('12345')).toBe('must contain letters');
    expect(nameProblem('王\u202e小红')).toContain('bidirectional');
  });

  it('normalises to NFC, so one name typed two ways is one string', () => {
    const decomposed = 'Zoe\u0308';
    expect(decomposed).not.toBe('Zoë');
    expect(normalizeText(decomposed)).toBe('Zoë');
  });
});

describe('resident ID numbers (GB 11643)', () => {
  it('computes the check character of the standard examples', () => {
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(residentIdCheckCharacter('44052418800101001')).toBe('4');
  });

  it('accepts a valid number in either case of X, and reads its birth date', () => {
    expect(residentIdProblem('11010519491231002X', TODAY)).toBeUndefined();
    expect(residentIdProblem('11010519491231002x', TODAY)).toBeUndefined();
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
  });

  it('refuses a wrong check digit, an impossible birth date and a wrong shape', () => {
    expect(residentIdProblem('110105194912310021', TODAY)).toContain('check digit');
    const feb30 = '31010520100230123';
    expect(residentIdProblem(feb30 + residentIdCheckCharacter(feb30), TODAY)).toContain('no valid date of birth');
    const future = '31010520300101123';
    expect(residentIdProblem(future + residentIdCheckCharacter(future), TODAY)).toContain('impossible');
    const ancient = '44052418800101001';
    expect(residentIdProblem(ancient + residentIdCheckCharacter(ancient), TODAY)).toContain('impossible');
    expect(residentIdProblem('12345', TODAY)).toContain('18-character');
    expect(residentIdProblem('11010519491231002Y', TODAY)).toContain('18-character');
  });
});

describe('dates', () => {
  it('knows real calendar dates', () => {
    expect(calendarDate(2024, 2, 29)).toBe('2024-02-29');
    expect(calendarDate(2025, 2, 29)).toBeUndefined();
    expect(calendarDate(2025, 13, 1)).toBeUndefined();
    expect(yearsBefore(new Date('2028-02-29T00:00:00Z'), 1)).toBe('2027-02-28');
  });

  it("takes a child's date of birth only from the last 18 years and not from the future", () => {
    expect(childBirthDateProblem('2016-05-01', TODAY)).toBeUndefined();
    expect(childBirthDateProblem('2008-11-30', TODAY)).toBeUndefined();
    expect(childBirthDateProblem('2008-11-29', TODAY)).toContain('not a minor');
    expect(childBirthDateProblem('0000-01-01', TODAY)).toContain('not a minor');
    expect(childBirthDateProblem('2026-11-30', TODAY)).toBe('lies in the future');
  });

  it('takes the instant of an event from 2000 to a minute from now', () => {
    expect(eventInstantProblem('2026-11-29T09:00:00+08:00', TODAY)).toBeUndefined();
    expect(eventInstantProblem('2026-11-29T10:00:30Z', TODAY)).toBeUndefined();
    expect(eventInstantProblem('2026-11-29T10:05:00Z', TODAY)).toBe('lies in the future');
    expect(eventInstantProblem('1999-12-31T23:59:59Z', TODAY)).toBe('lies before 2000');
    expect(eventInstantProblem('not a date', TODAY)).toBe('is not a date and time');
  });
});

describe('JSON depth scan', () => {
  const depth = (text: string) => jsonDepth(Buffer.from(text));
  it('counts nesting of objects and arrays, not brackets inside strings', () => {
    expect(depth('{}')).toBe(1);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(depth('{"a":"\\"[[[["}')).toBe(1);
    expect(depth('"plain"')).toBe(0);
  });

  it('stops as soon as the limit is passed', () => {
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    expect(jsonDepth(Buffer.from(deep))).toBe(3000);
    expect(jsonDepth(Buffer.from(deep), 32)).toBe(33);
  });
});
