/** Readable case numbers: the district's short name, the year and a six-digit sequence (issue #14). */
import { districtPrefix, formatCaseNumber } from '../../../models/case-number';

describe('case numbers', () => {
  it('drop the 区/县 suffix of the district name and pad the sequence to six digits', () => {
    expect(formatCaseNumber(districtPrefix('长宁区'), 2026, 123)).toBe('长宁-2026-000123');
    expect(formatCaseNumber(districtPrefix('丰台区'), 2026, 45)).toBe('丰台-2026-000045');
    expect(formatCaseNumber(districtPrefix('密云县'), 2027, 1_234_567)).toBe('密云-2027-1234567');
  });

  it('keep a one-character name and a name without a suffix as they are', () => {
    expect(districtPrefix('区')).toBe('区');
    expect(districtPrefix('Changning')).toBe('Changning');
  });
});
