/** The oversight workflow's counting (FT 三(三)2(4), issue #17 item 6): dedupe, the period, the threshold. */
import { dueReferral, initialOversightState, recordExhaustion } from '../../../workflows/oversight.workflow';
import type { LadderExhaustion, ReferralRule } from '../../../workflows/definitions';

const rule: ReferralRule = { exhaustedLadders: 3, period: 'P90D', clause: 'FT 三(三)2(4)' };
const exhaustion = (n: number, at: string, agencyId = 'cn.street.huayang'): LadderExhaustion => ({
  taskId: `case-x/task-${n}-joint_assessment`,
  kind: 'joint_assessment',
  phase: 'accept',
  agencyId,
  at,
});

describe('oversight counting', () => {
  it('counts a task and phase once, however often it is reported', () => {
    const state = initialOversightState('cn.street.huayang');
    expect(recordExhaustion(state, exhaustion(1, '2026-01-01T00:00:00Z'))).toBe(true);
    expect(recordExhaustion(state, exhaustion(1, '2026-01-01T00:05:00Z'))).toBe(false);
    expect(recordExhaustion(state, { ...exhaustion(1, '2026-01-02T00:00:00Z'), phase: 'complete' })).toBe(true);
    expect(state.pending).toHaveLength(2);
  });

  it('ignores another agency’s exhaustion', () => {
    const state = initialOversightState('cn.street.huayang');
    expect(recordExhaustion(state, exhaustion(1, '2026-01-01T00:00:00Z', 'cn.street.xinhua'))).toBe(false);
    expect(state.pending).toEqual([]);
  });

  it('refers at the pack’s number inside the period, not below it', () => {
    const state = initialOversightState('cn.street.huayang');
    recordExhaustion(state, exhaustion(1, '2026-01-01T00:00:00Z'));
    recordExhaustion(state, exhaustion(2, '2026-02-01T00:00:00Z'));
    expect(dueReferral(state, rule, '2026-02-01T00:00:00Z')).toBeUndefined();
    recordExhaustion(state, exhaustion(3, '2026-03-01T00:00:00Z'));
    expect(dueReferral(state, rule, '2026-03-01T00:00:00Z')?.map((e) => e.taskId)).toHaveLength(3);
  });

  it('drops exhaustions older than the period: three spread over more than 90 days make no referral', () => {
    const state = initialOversightState('cn.street.huayang');
    recordExhaustion(state, exhaustion(1, '2026-01-01T00:00:00Z'));
    recordExhaustion(state, exhaustion(2, '2026-03-01T00:00:00Z'));
    recordExhaustion(state, exhaustion(3, '2026-04-15T00:00:00Z'));
    expect(dueReferral(state, rule, '2026-04-15T00:00:00Z')).toBeUndefined();
    expect(state.pending.map((e) => e.taskId)).toEqual([
      'case-x/task-2-joint_assessment',
      'case-x/task-3-joint_assessment',
    ]);
  });
});
