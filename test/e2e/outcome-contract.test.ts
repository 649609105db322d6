/**
 * The web app's outcome forms build the typed outcome the complete endpoint takes. The web app and the workflows
 * share one definition of every outcome (contracts/outcomes.ts); this test keeps the forms honest against it: what
 * each form builds must pass the contract's zod schema that the workflow validates with, and an empty or half-filled form names its missing fields instead of building an outcome the server would refuse.
 */
import { SERVICE_KINDS } from '../../contracts/enums';
import { TASK_KINDS as OUTCOME_KINDS, taskOutcomeSchema, type TaskKind as OutcomeKind } from '../../contracts/outcomes';
import { buildOutcome, initialValues, type OutcomeContext, type Values } from '../../web/src/outcomes/build';
import type { Translate } from '../../web/src/i18n/messages';

const t: Translate = (key) => key;
const ctx: OutcomeContext = {
  concerns: ['living_alone', 'missing', 'domestic_violence', 'injury'],
  concernTypes: [],
  benefits: ['dibao', 'medical_assistance'],
};

function build(kind: OutcomeKind, values: Values) {
  return buildOutcome(kind, { ...initialValues(kind, ctx), ...values }, ctx, t);
}

describe('the web outcome forms', () => {
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
    const parsed = taskOutcomeSchema().safeParse(outcome);
    expect(parsed.error?.issues).toBeUndefined();
    expect(outcome).toMatchObject({ kind: 'police_response', evidenceRefs: ['EV-1', 'EV-2'] });
  });

  test('build a joint assessment with the actual 择高 amounts the assessor knows, blanks left to the pack (FT 三(一)1)', () => {
    const choices = {
      ...ctx,
      benefitChoices: [
        { code: 'child_living_guarantee', label: { zh: '困境儿童生活保障', en: 'x' }, clause: 'FT 三(一)1' },
        { code: 'extreme_poverty_support', label: { zh: '特困人员救助供养', en: 'x' }, clause: 'FT 三(一)1' },
        { code: 'disability_living_subsidy', label: { zh: '困难残疾人生活补贴', en: 'x' }, clause: 'FT 三(一)1' },
      ],
    };
    const values: Values = {
      'outcome.ageYears': '9',
      'outcome.facts': ['no_labour_capacity', 'no_income', 'no_legal_supporter'],
      'outcome.familySituation': '父母双亡',
      'outcome.guardianship': 'missing',
      'outcome.physicalHealth': '良好',
      'outcome.mentalHealth': '良好',
      'outcome.benefitAmounts.child_living_guarantee': '1900',
      'outcome.benefitAmounts.extreme_poverty_support': ' 2350 ',
    };
    const { outcome, errors } = buildOutcome('joint_assessment', values, choices, t);
    expect(errors).toEqual({});
    expect(taskOutcomeSchema().parse(outcome)).toMatchObject({
      benefitAmounts: { child_living_guarantee: 1900, extreme_poverty_support: 2350 },
    });
    const bad = buildOutcome(
      'joint_assessment',
      { ...values, 'outcome.benefitAmounts.disability_living_subsidy': '两百' },
      choices,
      t,
    );
    expect(bad.errors).toEqual({ 'outcome.benefitAmounts.disability_living_subsidy': 'outcome.amountInvalid' });
  });

  test('build the care arranged for a child lacking guardianship: temporary care when nobody can take the child (CN 四(二))', () => {
    const orphan: OutcomeContext = { concerns: ['lacking_guardianship'], concernTypes: [] };
    const values: Values = {
      ...initialValues('police_response', orphan),
      'outcome.responses.0.response': 'care_arranged',
      'outcome.responses.0.arrangedWith': 'temporary_care',
      'outcome.custody.kind': 'nobody_can_take',
      'outcome.custody.reason': '父母双亡，亲属无照料条件',
    };
    const { outcome, errors } = buildOutcome('police_response', values, orphan, t);
    expect(errors).toEqual({});
    expect(taskOutcomeSchema().parse(outcome)).toMatchObject({
      responses: [{ concern: 'lacking_guardianship', response: 'care_arranged', arrangedWith: 'temporary_care' }],
    });
    const unsaid = buildOutcome('police_response', { ...values, 'outcome.responses.0.arrangedWith': '' }, orphan, t);
    expect(Object.keys(unsaid.errors)).toEqual(['outcome.responses.0.arrangedWith']);
  });

  test('refuse a handover of a child who can express a view until the view is recorded (CN 四(二))', () => {
    const { outcome, errors } = build('police_response', {
      // The measure is chosen too (nothing is preselected): the only missing answer is the child's view.
      'outcome.responses.0.measure': 'parents_ordered_to_return',
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
    // FT 三(三)4: the committee's review: accepted, or a changed grade with its reason.
    ['grading_review', { 'outcome.decision': 'accepted', 'outcome.reviewedAt': '2026-11-26T10:00' }],
    [
      'grading_review',
      {
        'outcome.decision': 'grade_changed',
        'outcome.reviewedAt': '2026-11-26T10:00',
        'outcome.riskLevel': 'high',
        'outcome.reason': '风险被低估',
      },
    ],
    [
      'monitoring_visit',
      { 'outcome.childSeen': true, 'outcome.guardianshipArrangementAdequate': false, 'outcome.newConcern': true },
    ],
    [
      'short_term_placement',
      {
        'outcome.siteAgencyId': 'site-310105-01',
        'outcome.fit.wishes': '本人愿意暂住临时照料点，希望周末能见到奶奶',
        'outcome.fit.health': '身体健康，情绪紧张，需要心理疏导',
        'outcome.fit.address': '照料点距家约 1 公里，在同一街道',
        'outcome.fit.school': '可继续在原小学就读，步行 10 分钟',
      },
    ],
    ['long_term_placement', { 'outcome.institutionAgencyId': 'welfare-310105' }],
    [
      'guardian_search',
      {
        'outcome.searchedUntil': '2026-12-20T17:00',
        'outcome.found': false,
        'outcome.certificateRef': 'GA-ZM-2026-018',
        // Left over from ticking "found" and unticking it again: not sent with a failed search.
        'outcome.guardianRef': 'child-g-1',
      },
    ],
    [
      'guardian_search',
      { 'outcome.searchedUntil': '2026-12-01T09:00', 'outcome.found': true, 'outcome.guardianRef': 'guardian-7' },
    ],
    [
      'escort_to_registration_place',
      {
        'outcome.registrationPlace': '安徽省阜阳市颍州区',
        'outcome.handover.receivingOffice': '颍州区民政局',
        'outcome.handover.receiverName': '王科长',
        'outcome.handover.handedOverAt': '2026-12-02T10:00',
        'outcome.handover.documentRef': 'JJ-2026-044',
        'outcome.confirmation.confirmedAt': '2026-12-03T15:30',
        'outcome.confirmation.reference': 'YZ-QR-2026-12',
      },
    ],
    ...SERVICE_KINDS.map((kind): [OutcomeKind, Values] => [
      kind,
      {
        'outcome.startedAt': '2026-11-24T09:00',
        'outcome.providedBy': '长宁区未成年人救助保护中心',
        'outcome.provided': '每周两次，由专人负责',
        ...(kind === 'psychological_support' ? { 'outcome.familyEducationGuidance': true } : {}),
      },
    ]),
    ['guardianship_petition', { 'outcome.filedAt': '2027-01-10T10:00', 'outcome.courtRef': '(2027)沪0105民特12号' }],
    [
      'court_hearing',
      {
        'outcome.hearingDate': '2027-02-15T09:30',
        'outcome.judgmentRef': '(2027)沪0105民特12号',
        'outcome.decision.result': 'revoked',
        'outcome.decision.newGuardian.name': '张奶奶',
        'outcome.decision.newGuardian.relation': '祖母',
        'outcome.decision.designatedAt': '2027-02-15T11:00',
      },
    ],
    [
      'court_hearing',
      {
        'outcome.hearingDate': '2027-02-15T09:30',
        'outcome.judgmentRef': '(2027)沪0105民特13号',
        'outcome.decision.result': 'rejected',
        'outcome.decision.reason': '监护人已恢复履行监护职责',
      },
    ],
    ['follow_up_visit', { 'outcome.childSeen': true, 'outcome.newConcern': false }],
    // Issue #17: a new concern on a follow-up names what it is about; it becomes a report joined to the case.
    ['follow_up_visit', { 'outcome.childSeen': true, 'outcome.newConcern': true, 'outcome.concerns': ['injury'] }],
    [
      'risk_grading',
      { 'outcome.riskLevel': 'medium', 'outcome.recommendation': 'services', 'outcome.services': ['schooling'] },
    ],
    ['child_search', { 'outcome.result': 'found', 'outcome.foundWhere': '在同学家中找到' }],
    [
      'permanent_arrangement',
      {
        'outcome.arrangement': 'kinship_care',
        'outcome.caregiver': '外祖母王某',
        'outcome.documentRef': '长民安〔2027〕5号',
      },
    ],
    [
      'court_hearing',
      {
        'outcome.hearingDate': '2027-02-15T09:30',
        'outcome.judgmentRef': '(2027)沪0105民特14号',
        'outcome.decision.result': 'revoked',
        'outcome.decision.newGuardian.name': '长宁区民政局',
        'outcome.decision.newGuardian.relation': '民政部门',
        'outcome.decision.designatedAt': '2027-02-15T11:00',
        'outcome.decision.civilAffairs': true,
      },
    ],
    ['child_search', { 'outcome.result': 'handed_to_criminal_process', 'outcome.criminalCaseRef': '沪公刑2026-17' }],
    [
      'benefit_application',
      {
        'outcome.decisions.0.result': 'granted',
        'outcome.decisions.0.decisionRef': '长民救〔2026〕88号',
        'outcome.decisions.1.result': 'refused',
        'outcome.decisions.1.reason': '家庭收入高于救助标准',
      },
    ],
    [
      'later_assessment',
      {
        'outcome.submittedAt': '2027-03-01T16:00',
        'outcome.reportRef': 'HQPG-2027-003',
        'outcome.recommendation': 'close_case',
      },
    ],
    [
      'legal_warning',
      {
        'outcome.step': 'written_warning',
        'outcome.issuedAt': '2026-11-25T14:00',
        'outcome.evidenceRef': 'GJS-2026-077',
      },
    ],
    // Issue #17 item 6: the superior's follow-up of a late report, the procuratorate's supervision outcome.
    ['late_report_follow_up', { 'outcome.action': 'talked_to', 'outcome.note': '已约谈校长，明确报告流程' }],
    [
      'procuratorate_supervision',
      {
        'outcome.result': 'supervision_opinion_issued',
        'outcome.opinionRef': '长检监〔2026〕3号',
        'outcome.note': '向街道办事处发出检察监督意见',
      },
    ],
    ['procuratorate_supervision', { 'outcome.result': 'no_action', 'outcome.note': '经审查已整改' }],
  ])('build a %s outcome the workflow schema accepts', (kind, values) => {
    const { outcome, errors } = build(kind, values);
    expect(errors).toEqual({});
    expect(taskOutcomeSchema().safeParse(outcome).error?.issues).toBeUndefined();
  });

  test.each<[OutcomeKind, Values, string]>([
    // CN 四(三): every ground of the site's fit is said, the school too.
    [
      'short_term_placement',
      {
        'outcome.siteAgencyId': 'site-310105-01',
        'outcome.fit.wishes': '愿意暂住',
        'outcome.fit.health': '健康',
        'outcome.fit.address': '同一街道',
        'outcome.fit.school': '  ',
      },
      'outcome.fit.school',
    ],
    ['long_term_placement', { 'outcome.placedAt': '2026-12-21T10:00' }, 'outcome.institutionAgencyId'],
    [
      'court_hearing',
      {
        'outcome.hearingDate': '2027-02-15T09:30',
        'outcome.judgmentRef': '(2027)沪0105民特12号',
        'outcome.decision.result': 'revoked',
        'outcome.decision.newGuardian.relation': '祖母',
        'outcome.decision.designatedAt': '2027-02-15T11:00',
      },
      'outcome.decision.newGuardian.name',
    ],
    [
      'court_hearing',
      {
        'outcome.hearingDate': '2027-02-15T09:30',
        'outcome.judgmentRef': '(2027)沪0105民特13号',
        'outcome.decision.result': 'rejected',
      },
      'outcome.decision.reason',
    ],
    [
      'court_hearing',
      { 'outcome.hearingDate': '2027-02-15T09:30', 'outcome.judgmentRef': 'J-1' },
      'outcome.decision.result',
    ],
    // CN 五(一): a refusal says why; a grant names its approval.
    [
      'benefit_application',
      {
        'outcome.decisions.0.result': 'granted',
        'outcome.decisions.0.decisionRef': 'A-1',
        'outcome.decisions.1.result': 'refused',
      },
      'outcome.decisions.1.reason',
    ],
    ['child_search', { 'outcome.result': 'found' }, 'outcome.foundWhere'],
    // FT 三(三)4: a grading sent back says why; a changed grade names the new level.
    ['grading_review', { 'outcome.decision': 'sent_back', 'outcome.reviewedAt': '2026-11-26T10:00' }, 'outcome.reason'],
    [
      'grading_review',
      { 'outcome.decision': 'grade_changed', 'outcome.reviewedAt': '2026-11-26T10:00', 'outcome.reason': '低估' },
      'outcome.riskLevel',
    ],
  ])('refuse an incomplete %s form with the field’s message', (kind, values, path) => {
    const { outcome, errors } = build(kind, values);
    expect(outcome).toBeUndefined();
    expect(errors).toEqual({ [path]: 'outcome.requiredField' });
  });

  test('never send a failed guardian search’s certificate with a found guardian', () => {
    const { outcome, errors } = build('guardian_search', {
      'outcome.searchedUntil': '2026-12-01T09:00',
      'outcome.found': true,
      'outcome.guardianRef': 'guardian-7',
      'outcome.certificateRef': 'GA-ZM-2026-018',
    });
    expect(errors).toEqual({});
    expect(outcome).not.toHaveProperty('certificateRef');
    expect(taskOutcomeSchema().safeParse(outcome).success).toBe(true);
  });

  test.each([...OUTCOME_KINDS])('name the missing fields of an empty %s form instead of building it', (kind) => {
    const { outcome, errors } = buildOutcome(kind, {}, ctx, t);
    expect(outcome).toBeUndefined();
    expect(Object.keys(errors).length).toBeGreaterThan(0);
    for (const path of Object.keys(errors)) expect(path.startsWith('outcome.')).toBe(true);
  });
});
