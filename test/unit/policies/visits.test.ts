import { loadPolicyPack } from '../../../policies';
import { allVisitIntervals, ledgerVisitRule, type LedgerVisitProfile } from '../../../policies/visits';

const child = (over: Partial<LedgerVisitProfile> = {}): LedgerVisitProfile => ({
  riskLevel: 'low',
  leftBehind: false,
  categories: [],
  multipleDifficulty: false,
  ...over,
});

describe.each(['ft-fengtai', 'cn-changning'])('ledger visit intervals of %s 1.3.0', (id) => {
  const pack = loadPolicyPack(id);

  it('is the 1.3.0 pack with an interval per risk, left-behind, not graded, category and multiple difficulty', () => {
    expect(pack.version).toBe('1.3.0');
    expect(allVisitIntervals(pack).map((d) => d.duration)).toEqual([
      'P90D',
      'P30D',
      'P7D',
      'P30D',
      'P30D',
      'P14D',
      'P21D',
    ]);
  });

  it('takes the shortest interval that applies, and says why', () => {
    expect(ledgerVisitRule(pack, child())).toMatchObject({ basis: 'risk', rule: { duration: 'P90D' } });
    expect(ledgerVisitRule(pack, child({ riskLevel: 'unassessed' }))).toMatchObject({
      basis: 'unassessed',
      rule: { duration: 'P30D' },
    });
    expect(ledgerVisitRule(pack, child({ leftBehind: true }))).toMatchObject({
      basis: 'left_behind',
      rule: { duration: 'P30D' },
    });
    expect(ledgerVisitRule(pack, child({ categories: ['guardianship_failure'] }))).toMatchObject({
      basis: 'category',
      category: 'guardianship_failure',
      rule: { duration: 'P21D' },
    });
    // Multiple difficulty visits more often than any single difficulty (FT 三(一)4(2), issue #17 item 7) …
    expect(
      ledgerVisitRule(pack, child({ categories: ['guardianship_failure', 'x'], multipleDifficulty: true })),
    ).toMatchObject({ basis: 'multiple_difficulty', rule: { duration: 'P14D', clause: 'FT 三(一)4(2)' } });
    // … and high risk more often still.
    expect(ledgerVisitRule(pack, child({ riskLevel: 'high', multipleDifficulty: true }))).toMatchObject({
      basis: 'risk',
      rule: { duration: 'P7D' },
    });
  });

  it('quotes the clause of multiple difficulty and marks every ledger interval as the pack’s interpretation', () => {
    const v = pack.visitIntervals;
    expect(v.multipleDifficulty?.quote).toBe('对于多重困境儿童的监护问题要重点关注，为儿童及其家庭提供综合帮扶。');
    for (const d of [v.unassessed, v.multipleDifficulty, v.categories?.guardianship_failure]) {
      expect(d?.interpretation?.zh).toMatch(/本包取/);
      expect(d?.interpretation?.en).toMatch(/this pack uses/);
    }
  });
});
