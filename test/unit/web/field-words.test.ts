/**
 * The API's field errors (zod's English) shown in Chinese beside their fields, the API's English alongside; in
 * English as they came; a message of no known kind still says in Chinese that the field is wrong.
 */
import { fieldErrorsInWords, fieldWords } from '../../../web/src/components/field-words';

describe("the API's field errors in words", () => {
  test('each known kind of problem in Chinese with the English alongside, on the same paths', () => {
    expect(
      fieldErrorsInWords(
        {
          'arrangement.phone': 'must be a phone number',
          'arrangement.since': 'must be a date (YYYY-MM-DD)',
          'child.idNumber': 'must be an 18-character resident ID number',
          'child.dateOfBirth': 'lies before 2000',
          'guardians.0.name': 'Too big: expected string to have <=60 characters',
          'arrangement.relation': 'Invalid input: expected string, received undefined',
          'guardians.1.relation': 'Invalid option: expected one of "mother"|"father"',
        },
        'zh',
      ),
    ).toEqual({
      'arrangement.phone': '请填写有效的电话号码（must be a phone number）',
      'arrangement.since': '请按“年-月-日”填写有效日期（must be a date (YYYY-MM-DD)）',
      'child.idNumber': '身份证号码有误（must be an 18-character resident ID number）',
      'child.dateOfBirth': '日期不在有效范围内（lies before 2000）',
      'guardians.0.name': '内容过长（Too big: expected string to have <=60 characters）',
      'arrangement.relation': '必填，请填写（Invalid input: expected string, received undefined）',
      'guardians.1.relation': '请从选项中选择（Invalid option: expected one of "mother"|"father"）',
    });
  });

  test('an unknown message still says the field is wrong in Chinese; in English the message as it came', () => {
    expect(fieldWords('something odd', 'zh')).toBe('填写有误（something odd）');
    expect(fieldWords('must be a phone number', 'en')).toBe('must be a phone number');
    expect(fieldWords('不在本区政策的类别中', 'zh')).toBe('不在本区政策的类别中');
  });
});
