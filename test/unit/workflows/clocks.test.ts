/** Deadline and clock arithmetic the workflows use (workflows/clocks.ts), over the test pack's durations. */
import { clockFor, deadlineFrom, earliest, isLateReport, msUntil, nowIso, visitRule } from '../../../workflows/clocks';
import { testPolicyPack } from '../../fixtures/policy-pack';

const rule = { duration: 'P1M', clause: 'CN 四(三)', label: { en: 'Short-term cap', zh: '短期监护上限' } };

describe('clocks', () => {
  it('counts a deadline in calendar units from a Date or an ISO string alike', () => {
    expect(deadlineFrom('2026-01-31T00:00:00.000Z', rule).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(deadlineFrom(new Date('2026-03-15T08:00:00+08:00'), rule).toISOString()).toBe('2026-04-15T00:00:00.000Z');
  });

  it('builds a clock with its id, clause, English label, start and end', () => {
    expect(clockFor('cap', '2026-03-01T10:00:00+08:00', rule)).toEqual({
      id: 'cap',
      label: 'Short-term cap',
      clause: 'CN 四(三)',
      startedAt: '2026-03-01T02:00:00.000Z',
      firesAt: '2026-04-01T02:00:00.000Z',
    });
  });

  it('measures the time until an instant from now, never below zero', () => {
    jest.useFakeTimers({ now: new Date('2026-05-01T00:00:00.000Z') });
    try {
      expect(msUntil('2026-05-01T00:00:01.500Z')).toBe(1500);
      expect(msUntil(new Date('2026-05-01T00:00:00.000Z'))).toBe(0);
      expect(msUntil('2026-04-30T00:00:00.000Z')).toBe(0);
      expect(nowIso()).toBe('2026-05-01T00:00:00.000Z');
    } finally {
      jest.useRealTimers();
    }
  });

  it("calls a report late only past the pack's reporting deadline after discovery", () => {
    const discovered = '2026-05-01T00:00:00.000Z';
    const limit = deadlineFrom(discovered, testPolicyPack.deadlines.report).getTime();
    expect(limit).toBeGreaterThan(Date.parse(discovered));
    expect(isLateReport(testPolicyPack, discovered, new Date(limit).toISOString())).toBe(false);
    expect(isLateReport(testPolicyPack, discovered, new Date(limit + 1).toISOString())).toBe(true);
    expect(isLateReport(testPolicyPack, discovered, discovered)).toBe(false);
  });

  it('visits at the risk interval, or the left-behind interval when that is shorter', () => {
    const { visitIntervals } = testPolicyPack;
    expect(visitRule(testPolicyPack, 'low', false)).toBe(visitIntervals.low);
    expect(visitRule(testPolicyPack, 'high', false)).toBe(visitIntervals.high);
    // Low risk (P3M) for a left-behind child: the left-behind P1M is shorter.
    expect(visitIntervals.low.duration).toBe('P3M');
    expect(visitIntervals.leftBehind.duration).toBe('P1M');
    expect(visitRule(testPolicyPack, 'low', true)).toBe(visitIntervals.leftBehind);
    // High risk (P7D) is shorter than the left-behind interval: it stays.
    expect(visitIntervals.high.duration).toBe('P7D');
    expect(visitRule(testPolicyPack, 'high', true)).toBe(visitIntervals.high);
    // Equal intervals keep the risk rule (and its clause).
    const equal = { ...testPolicyPack, visitIntervals: { ...visitIntervals, leftBehind: { ...visitIntervals.low } } };
    expect(visitRule(equal, 'low', true)).toBe(equal.visitIntervals.low);
  });

  it('finds the earliest of some instants, skipping the missing ones', () => {
    expect(earliest([])).toBeUndefined();
    expect(earliest([undefined, undefined])).toBeUndefined();
    expect(earliest(['2026-05-02T00:00:00Z', undefined, '2026-05-01T23:00:00+08:00', '2026-05-03T00:00:00Z'])).toBe(
      '2026-05-01T23:00:00+08:00',
    );
    expect(earliest(['2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z'])).toBe('2026-05-01T00:00:00Z');
    expect(earliest([undefined, '2026-05-01T00:00:00Z'])).toBe('2026-05-01T00:00:00Z');
    // Of two ways of writing the same instant, the first given stays.
    expect(earliest(['2026-05-01T08:00:00+08:00', '2026-05-01T00:00:00.000Z'])).toBe('2026-05-01T08:00:00+08:00');
  });
});
