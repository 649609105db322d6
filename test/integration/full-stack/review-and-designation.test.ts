/**
 * Issue #17 through the API on the real stack (worker with the real activities, FerretDB), beside close-the-chain:
 * - item 5 (Fengtai pack 1.3.0, FT 三(三)4): the social workers' grading reaches the protection committee's office as a
 *   review task showing the grading; sent back with a reason, the social workers see the reason on a new grading task;
 *   the committee then changes the grade, and the case goes on with the committee's grade and next step;
 * - item 3's success path (Changning): the court's designation after a revocation is written to the child's file, and
 *   the placement decision `new_guardian` under that judgment is accepted, opening the follow-up.
 * Ten sign-ins in all (the login route allows 10 a minute from one address).
 */
import { CHANGNING, FENGTAI_POLICE, eventually, reportBody, startFullStack, type FullStack } from './harness';
import { apiSteps, taskPath } from './api-steps';

jest.setTimeout(300_000); // two cases through a worker with the real activities: a dozen workflow hops each, every one awaited

const FT = {
  reporter: 'school@fengtai.demo.childsafe.local',
  police: FENGTAI_POLICE,
  street: 'street.youanmen@fengtai.demo.childsafe.local',
  socialWork: 'social-work@fengtai.demo.childsafe.local',
  committeeOffice: 'womens-children-office@fengtai.demo.childsafe.local',
};
const CN_STREET = 'street.huayang@changning.demo.childsafe.local';
const CN_COURT = 'court@changning.demo.childsafe.local';

let stack: FullStack;
beforeAll(async () => {
  stack = await startFullStack();
});
afterAll(async () => {
  await stack?.stop();
});

const { get, post, liveCase, fileReport, acceptAndComplete, taskIn: anyTaskIn } = apiSteps(() => stack);

/** The open task of `kind` on the case in this account's inbox, once it is there (optionally not one of `except`). */
const taskIn = (token: string, caseId: string, kind: string, except: string[] = []) =>
  anyTaskIn(token, caseId, kind, { open: true, except });

describe('the protection committee reviews the grading through the API (issue #17 item 5, FT 三(三)4)', () => {
  it('sends the grading to the committee office; sent back, the social workers see why; the committee’s changed grade carries the case', async () => {
    const reporter = await stack.login(FT.reporter);
    const { caseId } = await fileReport(reporter, {
      ...reportBody(),
      policyPackId: 'ft-fengtai',
      place: { streetCode: 'youanmen', address: '丰台区右安门某小区 5 号楼' },
      reporterUnit: { name: '丰台区演示小学', type: 'school' },
    });
    await eventually(async () => {
      expect((await liveCase(caseId)).state.pack).toEqual({ id: 'ft-fengtai', version: '1.3.0' });
    });

    const police = await stack.login(FT.police);
    await acceptAndComplete(police, await taskIn(police, caseId, 'police_response'), {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [{ concern: 'living_alone', response: 'guardian_recalled', measure: 'parents_ordered_to_return' }],
      custody: { kind: 'remains_with_guardian' },
    });
    const street = await stack.login(FT.street);
    await acceptAndComplete(street, await taskIn(street, caseId, 'joint_assessment'), {
      kind: 'joint_assessment',
      ageYears: 9,
      facts: ['both_parents_migrant'],
      familySituation: '父母均在外地务工',
      guardianship: 'improper',
      physicalHealth: '良好',
      mentalHealth: '孤僻',
    });
    const socialWork = await stack.login(FT.socialWork);
    const firstGrading = await taskIn(socialWork, caseId, 'risk_grading');
    await acceptAndComplete(socialWork, firstGrading, {
      kind: 'risk_grading',
      riskLevel: 'low',
      recommendation: 'monitoring_only',
    });

    // The committee's office has the review, with the grading it reviews; nothing is decided yet.
    const office = await stack.login(FT.committeeOffice);
    const review = await taskIn(office, caseId, 'grading_review');
    const view = await get(office, taskPath(review));
    expect(view.body.task).toMatchObject({
      kind: 'grading_review',
      clause: 'FT 三(三)4',
      gradingUnderReview: { gradingTaskId: firstGrading, riskLevel: 'low', recommendation: 'monitoring_only' },
    });
    expect(view.body.task.label.zh).toBe('保护委员会审议等级评定');
    expect((await liveCase(caseId)).state.assessment.decision).toBeUndefined();
    await post(office, `${taskPath(review)}/accept`, {}).expect(200);
    const reviewedAt = new Date().toISOString();
    // Sent back without a reason: 400 naming the field.
    const bare = await post(office, `${taskPath(review)}/complete`, {
      outcome: { kind: 'grading_review', decision: 'sent_back', reviewedAt },
    });
    expect(bare.status).toBe(400);
    expect(JSON.stringify(bare.body)).toContain('reason');
    await post(office, `${taskPath(review)}/complete`, {
      outcome: { kind: 'grading_review', decision: 'sent_back', reviewedAt, reason: '未入户探访，评定依据不足' },
    }).expect(200);

    // The social workers grade again, and their new task says why.
    const secondGrading = await taskIn(socialWork, caseId, 'risk_grading', [firstGrading]);
    const regrade = await get(socialWork, taskPath(secondGrading));
    expect(regrade.body.task.sentBack).toMatchObject({ reason: '未入户探访，评定依据不足', byTaskId: review });
    await acceptAndComplete(socialWork, secondGrading, {
      kind: 'risk_grading',
      riskLevel: 'medium',
      recommendation: 'monitoring_only',
    });

    // The committee changes the grade: the same grade is refused as no change; a real change carries the case.
    const secondReview = await taskIn(office, caseId, 'grading_review', [review]);
    await post(office, `${taskPath(secondReview)}/accept`, {}).expect(200);
    const same = await post(office, `${taskPath(secondReview)}/complete`, {
      outcome: { kind: 'grading_review', decision: 'grade_changed', reviewedAt, riskLevel: 'medium', reason: '同' },
    });
    expect(same.status).toBe(422);
    await post(office, `${taskPath(secondReview)}/complete`, {
      outcome: {
        kind: 'grading_review',
        decision: 'grade_changed',
        reviewedAt: new Date().toISOString(),
        riskLevel: 'high',
        recommendation: 'services',
        reason: '儿童独自在家已逾一周，风险被低估',
      },
    }).expect(200);
    const decided = await eventually(async () => {
      const s = await liveCase(caseId);
      expect(s.state.assessment.decision).toMatchObject({ nextStep: 'services', clause: 'FT 三(三)4' });
      return s;
    });
    expect(decided.state.risk).toBe('high');
    expect(decided.state.riskChanges.at(-1)).toMatchObject({ reason: 'committee_review', to: 'high' });
    expect(decided.state.gradingReviews?.map((r) => r.decision)).toEqual(['sent_back', 'grade_changed']);
    // The case list (projection) shows the committee's grade.
    await eventually(async () => {
      const list = await get(street, '/api/v1/cases');
      const listed = list.body.items.find((c: { caseId: string }) => c.caseId === caseId);
      expect(listed).toMatchObject({ risk: 'high' });
    });
  });
});

describe('the court designates, new_guardian is accepted, the guardian is on the file (issue #17 item 3, CN 四(四)3)', () => {
  it('serious harm → petition → revocation and designation → new_guardian under that judgment → follow-up', async () => {
    const reporter = await stack.login(CHANGNING.reporter);
    const { caseId, childId } = await fileReport(reporter, { ...reportBody(), concerns: ['domestic_violence'] });
    const police = await stack.login(CHANGNING.police);
    await acceptAndComplete(police, await taskIn(police, caseId, 'police_response'), {
      kind: 'police_response',
      dispatchedAt: new Date().toISOString(),
      responses: [
        {
          concern: 'domestic_violence',
          response: 'violence_stopped',
          childMovedToProtection: true,
          protectionInstitution: '长宁区未成年人救助保护中心',
        },
      ],
      custody: { kind: 'protective_placement', institution: '长宁区未成年人救助保护中心' },
    });
    const placementId = await eventually(async () => {
      const p = (await liveCase(caseId)).state.intervention?.placements.find((x) => x.status === 'running');
      if (!p) throw new Error('no running placement yet');
      return p.placementId;
    });

    // CN 四(四)3 (c): serious harm opens the petition at once; civil affairs files it; the court revokes and designates.
    const coordinator = await stack.login(CHANGNING.coordinator);
    await post(coordinator, `/api/v1/interventions/${caseId}/revocation-grounds`, {
      ground: 'serious_harm',
      evidenceRef: '伤情鉴定 2026-031',
    }).expect(200);
    await acceptAndComplete(coordinator, await taskIn(coordinator, caseId, 'guardianship_petition'), {
      kind: 'guardianship_petition',
      filedAt: new Date().toISOString(),
      courtRef: '(2026)沪0105民特21号',
    });
    const court = await stack.login(CN_COURT);
    const judgmentRef = '(2026)沪0105民特21号之一';
    const designatedAt = new Date().toISOString();
    await acceptAndComplete(court, await taskIn(court, caseId, 'court_hearing'), {
      kind: 'court_hearing',
      hearingDate: designatedAt,
      judgmentRef,
      decision: { result: 'revoked', newGuardian: { name: '王阿姨', relation: '姨母' }, designatedAt },
    });

    // The designation is on the child's file: the old guardians revoked, the designated one able.
    const file = await eventually(async () => {
      const res = await get(coordinator, `/api/v1/children/${childId}`);
      const guardians = res.body.guardians;
      expect(guardians).toEqual(expect.arrayContaining([expect.objectContaining({ name: '王阿姨', status: 'able' })]));
      return guardians as { name: string; status: string }[];
    });
    expect(file.filter((g) => g.name !== '王阿姨').every((g) => g.status === 'guardianship_revoked')).toBe(true);

    // new_guardian under another judgment is refused; under the court's judgment it is accepted, and follow-up opens.
    const street = await stack.login(CN_STREET);
    const decide = (courtRef: string) =>
      post(street, `/api/v1/interventions/${caseId}/placements/${encodeURIComponent(placementId)}/decision`, {
        decision: { kind: 'new_guardian', courtRef },
        reason: '法院已指定新监护人',
      });
    const wrong = await decide('(2026)沪0105民特99号');
    expect(wrong.status).toBe(422);
    expect(wrong.body.details).toMatchObject({ rejection: 'NoCourtDesignation' });
    await decide(judgmentRef).expect(200);
    await eventually(async () => {
      const s = await liveCase(caseId);
      expect(s.state.intervention?.placements.find((p) => p.placementId === placementId)?.status).not.toBe('running');
      // The placement ended with the designated guardian (the assessment the response opened runs on beside it).
      expect(s.state.intervention?.placements.find((p) => p.placementId === placementId)?.decision).toMatchObject({
        kind: 'new_guardian',
        courtRef: judgmentRef,
      });
      expect(s.openTasks.map((t) => t.kind)).toEqual(expect.arrayContaining(['follow_up_visit', 'later_assessment']));
    });
  });
});
