import { policyPackSchema } from '../../policies/schema';
import { CASE_TASK_KINDS, PACK_OPTIONAL_TASK_KINDS } from '../../workflows/case.workflow';
import { INTERVENTION_TASK_KINDS } from '../../workflows/intervention';
import { testPolicyPackSource } from '../fixtures/policy-pack';

describe('the test policy pack', () => {
  it('satisfies the policy pack schema and has every task kind the case, its intervention and detention workflows open', () => {
    const pack = policyPackSchema().parse(testPolicyPackSource);
    const kinds = [...CASE_TASK_KINDS, ...PACK_OPTIONAL_TASK_KINDS, ...INTERVENTION_TASK_KINDS];
    for (const kind of [...kinds, 'detention_care_arrangement']) {
      expect(pack.taskKinds[kind]).toBeDefined();
      expect(pack.escalationLadders[pack.taskKinds[kind].ladder].length).toBeGreaterThan(0);
    }
  });
});
