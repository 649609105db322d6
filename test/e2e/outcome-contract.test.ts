/**
 * The web app mirrors the workflow's outcome shapes (web/src/outcomes/types.ts) instead of bundling zod and the
 * workflow code into the browser. This test keeps the mirror honest: what each outcome form builds must pass the
 * workflow's own zod schemas, and the lists the forms offer must equal the workflow's and the policy schema's.
 */
import {
  RESPONSE_FOR_CONCERN as WORKFLOW_RESPONSE_FOR_CONCERN,
  TASK_KINDS,
  taskOutcomeSchema,
} from '../../workflows/definitions';
import { ASSESSMENT_FACTS as POLICY_ASSESSMENT_FACTS } from '../../policies/schema';
import { buildOutcome, initialValues, type OutcomeContext, type Values } from '../../web/src/outcomes/build';
import { ASSESSMENT_FACTS, OUTCOME_KINDS, RESPONSE_FOR_CONCERN, type OutcomeKind } from '../../web/src/outcomes/types';
import type { Translate } from '../../web/src/i18n/messages';

const t: Translate = (key) => key;
const ctx: OutcomeContext = { concerns: ['living_alone', 'missing', 'domestic_violence', 'injury'], concernTypes: [] };

function build(kind: OutcomeKind, values: Values) {
  return buildOutcome(kind, { ...initialValues(kind, ctx), ...values }, ctx, t);
}

describe('the web outcome forms', () => {
  test('offer exactly the task kinds, response mapping and assessment facts the workflows and policy schema define', () => {
    expect([...OUTCOME_KINDS].sort()).toEqual([...TASK_KINDS].sort());
    expect(RESPONSE_FOR_CONCERN).toEqual(WORKFLOW_RESPONSE_FOR_CONCERN);
    expect([...ASSESSMENT_FACTS]).toEqual([...POLICY_ASSESSMENT_FACTS]);
  });

  test('build a police response with a written handover and the child’s view that the workflow schema accepts', () => {
    const { outcome, errors } = build('police_response', {
      'outcome.responses.0.measure': 'entrusted_guardian_named',
      'outcome.responses.0.entrustedGuardianName': '张奶奶',
      'outcome.responses.1.found': true,
      'outcome.responses.1.foundAt': '2026-11-23T16:00',
      'outcome.responses.2.childMovedToProtection': true,
      'outcome.responses.2.protectionInstitution': '长宁区未成年人救助保护中心',
      'outcome.responses.3.medicalCareArranged': true,
      'outcome.custody.kind': 'handed_over',
      'outcome.custody.handover.receiverName': '张奶奶',
      'outcome.custody.handover.receiverRole': 'relative',
      'outcome.custody.handover.relation': '祖母',
      'outcome.custody.handover.handedOverAt': '2026-11-23T17:00',
      'outcome.custody.handover.documentRef': 'JJ-2026-001',
      'outcome.custody.handover.childCanExpressView': true,
      'outcome.custody.handover.childView': '想去奶奶家',
      'outcome.evidenceRefs': 'EV-1\nEV-2\n',
    });
    expect(errors).toEqual({});
    const parsed = taskOutcomeSchema.safeParse(outcome);
    expect(parsed.error?.issues).toBeUndefined();
    expect(outcome).toMatchObject({ kind: 'police_response', evidenceRefs: ['EV-1', 'EV-2'] });
  });

  test('refuse a handover of a child who can express a view until the view is recorded (CN 四(二))', () => {
    const { outcome, errors } = build('police_response', {
      'outcome.custody.kind': 'handed_over',
      'outcome.custody.handover.receiverName': '张奶奶',
      'outcome.custody.handover.receiverRole': 'relative',
      'outcome.custody.handover.relation': '祖母',
      'outcome.custody.handover.handedOverAt': '2026-11-23T17:00',
      'outcome.custody.handover.documentRef': 'JJ-2026-001',
      'outcome.custody.handover.childCanExpressView': true,
    });
    expect(outcome).toBeUndefined();
    expect(Object.keys(errors)).toEqual(['outcome.custody.handover.childView']);
  });

  test.each<[OutcomeKind, Values]>([
    ['urgent_placement', { 'outcome.siteType': 'temporary_care_site', 'outcome.siteAgencyId': 'site-310105-01' }],
    [
      'detention_care_arrangement',
      { 'outcome.arrangement': 'entrusted_to_relative', 'outcome.caregiverName': '李叔叔' },
    ],
    [
      'joint_assessment',
      {
        'outcome.ageYears': '9',
        'outcome.facts': ['both_parents_migrant', 'guardianship_missing_or_improper'],
        'outcome.familySituation': '父母在外务工',
        'outcome.guardianship': 'missing',
        'outcome.physicalHealth': '良好',
        'outcome.mentalHealth': '情绪低落',
      },
    ],
    [
      'risk_grading',
      { 'outcome.riskLevel': 'high', 'outcome.recommendation': 'temporary_guardianship', 'outcome.needs': '心理疏导' },
    ],
    [
      'monitoring_visit',
      { 'outcome.childSeen': true, 'outcome.guardianshipArrangementAdequate': false, 'outcome.newConcern': true },
    ],
  ])('build a %s outcome the workflow schema accepts', (kind, values) => {
    const { outcome, errors } = build(kind, values);
    expect(errors).toEqual({});
    expect(taskOutcomeSchema.safeParse(outcome).error?.issues).toBeUndefined();
  });

  test.each([...OUTCOME_KINDS])('name the missing fields of an empty %s form instead of building it', (kind) => {
    const { outcome, errors } = buildOutcome(kind, {}, ctx, t);
    expect(outcome).toBeUndefined();
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    for (const path of Object.keys(errors)) expect(path.startsWith('outcome.')).toBe(true);
  });
});
