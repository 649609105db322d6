import { addDuration, isDuration, parseDuration, subtractDuration } from '../../../policies/duration';
import { loadPolicyPack } from '../../../policies';

describe('ISO-8601 durations', () => {
  it.each(['P1M', 'P6M', 'PT30M', 'PT1H', 'P7D', 'P1Y2M3DT4H5M6S', 'P2W', 'PT0S'])('accepts %s', (iso) => {
    expect(isDuration(iso)).toBe(true);
  });

  it.each(['', 'P', 'PT', '1M', 'P1.5D', 'P1H', 'PT1D', '30 minutes', 'p1m'])('rejects %j', (iso) => {
    expect(isDuration(iso)).toBe(false);
    expect(() => parseDuration(iso)).toThrow(RangeError);
  });

  it('tells months from minutes by the T', () => {
    expect(parseDuration('P1M')).toMatchObject({ months: 1, minutes: 0 });
    expect(parseDuration('PT1M')).toMatchObject({ months: 0, minutes: 1 });
  });

  it('counts one month from 31 January to the last day of February, as a person would', () => {
    expect(addDuration(new Date('2024-01-31T09:00:00Z'), 'P1M').toISOString()).toBe('2024-02-29T09:00:00.000Z');
    expect(addDuration(new Date('2023-01-31T09:00:00Z'), 'P1M').toISOString()).toBe('2023-02-28T09:00:00.000Z');
  });

  it('crosses the year for a six-month placement', () => {
    expect(addDuration(new Date('2024-08-31T00:00:00Z'), 'P6M').toISOString()).toBe('2025-02-28T00:00:00.000Z');
  });

  it('adds clock time exactly', () => {
    expect(addDuration(new Date('2024-03-01T23:45:00Z'), 'PT30M').toISOString()).toBe('2024-03-02T00:15:00.000Z');
    expect(addDuration(Date.UTC(2024, 0, 1), 'P1W').toISOString()).toBe('2024-01-08T00:00:00.000Z');
  });

  it('counts reminders back from a cap', () => {
    expect(subtractDuration(new Date('2024-03-31T00:00:00Z'), 'P7D').toISOString()).toBe('2024-03-24T00:00:00.000Z');
    expect(subtractDuration(new Date('2024-03-31T00:00:00Z'), 'P1M').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('puts the Changning short-term cap one calendar month after placement (CN 四(三))', () => {
    const pack = loadPolicyPack('cn-changning');
    const placed = new Date('2025-01-15T10:00:00Z');
    expect(addDuration(placed, pack.placement.shortTermCap.duration).toISOString()).toBe('2025-02-15T10:00:00.000Z');
    expect(addDuration(placed, pack.placement.longTermCap.duration).toISOString()).toBe('2025-07-15T10:00:00.000Z');
    const reminders = pack.placement.remindBefore.map((d) =>
      subtractDuration(addDuration(placed, pack.placement.shortTermCap.duration), d).toISOString(),
    );
    expect(reminders).toEqual(['2025-02-08T10:00:00.000Z', '2025-02-14T10:00:00.000Z']);
  });
});
