/**
 * Issue #16: the two policies read as their texts say (policies/sources/). One test per misreading, named after the
 * clause; each reads the newest pack, and where a rule's behaviour changed, the 1.0.0 pack pinned by running
 * cases is shown to keep its old behaviour.
 */
import { getPolicyPack, loadPolicyPack } from '../../../policies';
import { decideBenefits } from '../../../policies/benefits';
import { jointAssessmentOutcomeSchema } from '../../../contracts/outcomes';
import { taskPolicy } from '../../../api/read-models/policy-lookup';
import { validateOutcome } from '../../../workflows/agency-task.workflow';
import type { TaskState } from '../../../workflows/definitions';
import { classifyChild } from '../../../policies/classification';
import type { AssessmentFact } from '../../../policies/schema';
import {
  actorAgencyTypes,
  allowedLegalSteps,
  validateGround,
  validateLegalStep,
  validateLegalStepRecorder,
} from '../../../workflows/guardianship';
import type {
  InterventionState,
  LegalStep,
  LegalStepRecord,
  NeglectEpisode,
} from '../../../workflows/intervention.definitions';
import { emptyIntervention } from '../../../workflows/intervention';

const cn = loadPolicyPack('cn-changning');
const ft = loadPolicyPack('ft-fengtai');
const cn100 = getPolicyPack('cn-changning', '1.0.0');
const cn110 = getPolicyPack('cn-changning', '1.1.0');
const ft100 = getPolicyPack('ft-fengtai', '1.0.0');

const actor = { userId: 'u-police', agencyId: 'cn.police.huayang' };
const at = '2026-01-01T00:00:00.000Z';
const now = Date.parse('2026-06-01T00:00:00.000Z');

function record(step: LegalStep): LegalStepRecord {
  return { step, evidenceRef: `E-${step}`, occurredAt: at, recordedAt: at, recordedBy: actor };
}

function intervention(parts: Partial<InterventionState> = {}): InterventionState {
  return { ...emptyIntervention(), ...parts };
}

const step = (s: LegalStep) => ({ actor, step: s, evidenceRef: `E-${s}`, occurredAt: at });

/** The rejection a validator throws, as `type: message`, or "accepted". */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    const failure = error as { type?: string; message: string };
    return `${failure.type}: ${failure.message}`;
  }
}

describe('issue #16: the policies read as written', () => {
  describe('CN 四(四)3: the legal ladder', () => {
    it('CN 四(四)3: an administrative penalty may follow criticism without a written warning', () => {
      const iv = intervention({ legalSteps: [record('criticism_education')] });
      expect(outcome(() => validateLegalStep(iv, step('administrative_penalty'), now, cn))).toBe('accepted');
      // Pinned 1.0.0 cases keep their ladder.
      expect(outcome(() => validateLegalStep(iv, step('administrative_penalty'), now, cn100))).toMatch(
        /^IllegalLegalStep: .*告诫书/,
      );
    });

    it('CN 四(四)3: a case graver than "情节较轻" may be penalised from the start', () => {
      expect(allowedLegalSteps([], cn.legalLadder)).toContain('administrative_penalty');
      expect(outcome(() => validateLegalStep(intervention(), step('administrative_penalty'), now, cn))).toBe(
        'accepted',
      );
      expect(allowedLegalSteps([], cn100.legalLadder)).not.toContain('administrative_penalty');
    });

    it('CN 四(四)3: nothing follows the transfer to the judicial organs, and no step climbs back down', () => {
      const transferred = intervention({ legalSteps: [record('judicial_transfer')] });
      expect(outcome(() => validateLegalStep(transferred, step('criticism_education'), now, cn))).toMatch(
        /^IllegalLegalStep: CN 四\(四\)3/,
      );
      const penalised = intervention({ legalSteps: [record('administrative_penalty')] });
      expect(outcome(() => validateLegalStep(penalised, step('written_warning'), now, cn))).toMatch(
        /^IllegalLegalStep/,
      );
    });

    it('FT 三(三)2(3): Fengtai penalises conduct that violates public-security administration without a prior warning', () => {
      expect(ft.legalLadder?.clause).toBe('FT 三(三)2(3)');
      expect(outcome(() => validateLegalStep(intervention(), step('administrative_penalty'), now, ft))).toBe(
        'accepted',
      );
      expect(outcome(() => validateLegalStep(intervention(), step('administrative_penalty'), now, ft100))).toMatch(
        /^IllegalLegalStep/,
      );
    });
  });

  it('CN 四(四)3: only the police record criticism, warnings and penalties; the procuratorate may also record a transfer', () => {
    for (const pack of [cn, ft]) {
      const by = pack.legalLadder!.recordedBy;
      for (const s of ['criticism_education', 'written_warning', 'administrative_penalty'] as const)
        expect([...by[s]].sort()).toEqual(['police_station', 'police_substation']);
      expect([...by.judicial_transfer].sort()).toEqual(['police_station', 'police_substation', 'procuratorate']);
    }
  });

  it('CN 四(四)3: the case workflow refuses a sanction recorded by an agency other than the police (judicial transfer: police or procuratorate)', () => {
    const agencies = {
      police_station: 'cn.police.huayang',
      education: 'cn.school.1',
      procuratorate: 'cn.procuratorate',
    };
    const by = (agencyId: string, s: LegalStep, agencyType?: string) =>
      outcome(() =>
        validateLegalStepRecorder(
          cn,
          { step: s },
          actorAgencyTypes({ actor: { userId: 'u', agencyId }, agencyType }, agencies),
        ),
      );
    expect(by('cn.school.1', 'administrative_penalty')).toMatch(
      /^NotLegalStepRecorder: CN 四\(四\)3: administrative_penalty is recorded only by police_station, police_substation, not by education/,
    );
    expect(by('cn.hospital.9', 'written_warning', 'medical_institution')).toMatch(/^NotLegalStepRecorder: /);
    expect(by('cn.procuratorate', 'administrative_penalty')).toMatch(/^NotLegalStepRecorder: /);
    expect(by('cn.procuratorate', 'judicial_transfer')).toBe('accepted');
    expect(by('cn.police.huayang', 'administrative_penalty')).toBe('accepted');
    // The directory's type, when the API gives it, decides over the case's map.
    expect(by('cn.police.other-street', 'criticism_education', 'police_station')).toBe('accepted');
    // A case pinned to 1.0.0 (no ladder in its pack) keeps the workflow as it was: the API alone checked the agency.
    expect(outcome(() => validateLegalStepRecorder(cn100, { step: 'administrative_penalty' }, ['education']))).toBe(
      'accepted',
    );
  });

  it('CN 四(二): the police may record truthfully for an orphan or a child whose parents are unknown: another guardian, a relative or the committee, else temporary care', () => {
    const lacking = cn.concernTypes.find((c) => c.code === 'lacking_guardianship')!;
    expect(lacking.policeResponses).toMatchObject({
      clause: 'CN 四(二)',
      responses: ['care_arranged', 'guardian_recalled'],
    });
    expect(lacking.policeResponses!.quote).toContain('联系其他监护人、亲属、居委会进行妥善安置');
    const task = {
      kind: 'police_response',
      concerns: ['lacking_guardianship'],
      responsesFor: { lacking_guardianship: lacking.policeResponses!.responses },
    } as unknown as TaskState;
    const response = (arrangedWith: string, custody: object) => ({
      kind: 'police_response',
      dispatchedAt: at,
      responses: [{ concern: 'lacking_guardianship', response: 'care_arranged', arrangedWith }],
      custody,
    });
    const handover = {
      receiverName: '王阿姨',
      receiverRole: 'relative',
      relation: '姨母',
      handedOverAt: at,
      documentRef: 'JJ-1',
      childCanExpressView: false,
    };
    expect(outcome(() => validateOutcome(task, response('relative', { kind: 'handed_over', handover })))).toBe(
      'accepted',
    );
    expect(
      outcome(() => validateOutcome(task, response('temporary_care', { kind: 'nobody_can_take', reason: '无人照料' }))),
    ).toBe('accepted');
    expect(outcome(() => validateOutcome(task, response('temporary_care', { kind: 'remains_with_guardian' })))).toMatch(
      /^InvalidOutcome: CN 四\(二\)/,
    );
    expect(
      outcome(() => validateOutcome(task, response('residents_committee', { kind: 'handed_over', handover }))),
    ).toMatch(/handed_over to the residents_committee/);
    // A case pinned to 1.1.0 (no responses in its pack): the task keeps the one response the contract fixes.
    expect(cn110.concernTypes.find((c) => c.code === 'lacking_guardianship')!.policeResponses).toBeUndefined();
    const pinned = { ...task, responsesFor: undefined } as TaskState;
    expect(
      outcome(() => validateOutcome(pinned, response('temporary_care', { kind: 'nobody_can_take', reason: 'x' }))),
    ).toMatch(/calls for guardian_recalled/);
  });

  describe('FT 三(一)1: 择高 keeps the highest amount', () => {
    const living: AssessmentFact = 'meets_child_living_guarantee_conditions';
    const extreme: AssessmentFact[] = ['no_labour_capacity', 'no_income', 'no_legal_supporter'];

    it('FT 三(一)1: 择高 compares the standard amounts the pack holds, not the order it lists them in', () => {
      for (const code of [
        'child_living_guarantee',
        'extreme_poverty_support',
        'disability_living_subsidy',
        'severe_disability_care_subsidy',
      ]) {
        const benefit = ft.benefits.find((b) => b.code === code)!;
        expect({ code, amount: benefit.standardAmount?.monthlyYuan }).toEqual({ code, amount: expect.any(Number) });
        expect(benefit.standardAmount?.interpretation.zh).toMatch(/工作假设/);
      }
      const standard = (code: string) => ft.benefits.find((b) => b.code === code)!.standardAmount!.monthlyYuan;
      const result = decideBenefits(ft, { ageYears: 10, facts: [living, ...extreme] });
      const highest =
        standard('extreme_poverty_support') > standard('child_living_guarantee')
          ? 'extreme_poverty_support'
          : 'child_living_guarantee';
      expect(result.granted.map((b) => b.code)).toEqual([highest]);
      // Pack order puts the child living guarantee first; the standard amounts say 特困 support pays more.
      expect(highest).toBe('extreme_poverty_support');
      // Under 1.0.0 (no amounts) pack order still decides for pinned cases.
      expect(decideBenefits(ft100, { ageYears: 10, facts: [living, ...extreme] }).granted.map((b) => b.code)).toEqual([
        'child_living_guarantee',
      ]);
    });

    it('FT 三(一)1: the joint assessment records the actual amounts, and 择高 says which option paid more and by how much', () => {
      // The contract the assessment form and the workflow share takes the amounts (refused on the main of issue #16).
      const parsed = jointAssessmentOutcomeSchema().parse({
        kind: 'joint_assessment',
        ageYears: 10,
        facts: [living, ...extreme],
        familySituation: '父母双亡，由祖母抚养',
        guardianship: 'missing',
        physicalHealth: '良好',
        mentalHealth: '良好',
        benefitAmounts: { child_living_guarantee: 1900, extreme_poverty_support: 2350 },
      });
      const result = decideBenefits(ft, parsed, parsed.benefitAmounts);
      expect(result.granted.map((b) => b.code)).toEqual(['extreme_poverty_support']);
      expect(result.excluded).toEqual([
        expect.objectContaining({
          code: 'child_living_guarantee',
          keptInstead: ['extreme_poverty_support'],
          basis: 'higher_amount',
          monthlyYuan: 1900,
          keptMonthlyYuan: 2350,
          amountSource: 'recorded',
        }),
      ]);
      // One amount recorded, the other from the pack's standard: said so.
      const mixed = decideBenefits(ft, parsed, { child_living_guarantee: 2600 });
      expect(mixed.excluded).toEqual([
        expect.objectContaining({
          code: 'extreme_poverty_support',
          monthlyYuan: 2000,
          keptMonthlyYuan: 2600,
          amountSource: 'recorded_and_standard',
        }),
      ]);
      // A 1.0.0 case (no amounts in its pack) says the pack's order decided.
      expect(decideBenefits(ft100, parsed).excluded).toEqual([
        expect.objectContaining({ code: 'extreme_poverty_support', basis: 'pack_order' }),
      ]);
      expect(() =>
        jointAssessmentOutcomeSchema().parse({ ...parsed, benefitAmounts: { child_living_guarantee: -5 } }),
      ).toThrow();
      // The joint assessment task shows the assessor the benefits to price, with the pack's standard amounts.
      expect(
        taskPolicy(ft, 'joint_assessment', []).benefitChoices?.map((c) => [c.code, c.standardMonthlyYuan]),
      ).toEqual([
        ['child_living_guarantee', 1800],
        ['disability_living_subsidy', 200],
        ['severe_disability_care_subsidy', 200],
        ['extreme_poverty_support', 2000],
      ]);
      expect(taskPolicy(cn, 'joint_assessment', []).benefitChoices).toBeUndefined();
    });

    it('FT 三(一)1: amounts recorded at assessment take precedence over the standard amounts', () => {
      const amounts = { child_living_guarantee: 2600, extreme_poverty_support: 2100 };
      expect(
        decideBenefits(ft, { ageYears: 10, facts: [living, ...extreme] }, amounts).granted.map((b) => b.code),
      ).toEqual(['child_living_guarantee']);
    });
  });

  describe('CN 四(四)3: revocation ground (b)', () => {
    const agencies = { civil_affairs: 'cn.civil-affairs' };
    const episode = (childWithoutMeansOfLiving: boolean): NeglectEpisode => ({
      since: '2025-01-01T00:00:00.000Z',
      firesAt: '2025-07-01T00:00:00.000Z',
      clause: 'CN 四(四)3',
      label: 'neglect',
      evidenceRef: 'DC-1',
      childWithoutMeansOfLiving,
      recordedAt: at,
      recordedBy: actor,
      thresholdReachedAt: '2025-07-01T00:00:00.000Z',
    });
    const ground = { actor, ground: 'refused_duties_six_months' as const, evidenceRef: 'G-1' };

    it('CN 四(四)3: refusing duties for 6 months is a ground only if it left the child without means of living (生活无着)', () => {
      const fed = intervention({ neglect: [episode(false)] });
      expect(outcome(() => validateGround(cn, agencies, fed, ground))).toMatch(
        /^GroundNotMet: CN 四\(四\)3: .*生活无着/,
      );
      expect(outcome(() => validateGround(cn, agencies, intervention({ neglect: [episode(true)] }), ground))).toBe(
        'accepted',
      );
      // 1.0.0 checked only the six months; pinned cases keep that.
      expect(outcome(() => validateGround(cn100, agencies, fed, ground))).toBe('accepted');
    });

    it('CN 四(四)3: ground (a) still needs the education on record ("经教育不改")', () => {
      const cmd = { actor, ground: 'unattended_in_danger' as const, evidenceRef: 'G-2' };
      expect(outcome(() => validateGround(cn, agencies, intervention(), cmd))).toMatch(/^GroundNotMet/);
      const educated = intervention({ legalSteps: [record('criticism_education')] });
      expect(outcome(() => validateGround(cn, agencies, educated, cmd))).toBe('accepted');
    });
  });

  it('CN 一: a child whose personal safety is threatened (人身安全受到威胁) is a child in difficulty, harmed or not', () => {
    const facts: AssessmentFact[] = ['guardianship_missing_or_improper', 'personal_safety_threatened'];
    expect(classifyChild(cn, { ageYears: 8, facts }).categories.map((c) => c.code)).toEqual(['guardianship_failure']);
    expect(classifyChild(cn100, { ageYears: 8, facts }).categories).toEqual([]);
  });

  it('FT 三(一)4(2): the rescue and protection institution of the habitual residence is the temporary guardian (救助保护机构临时监护)', () => {
    const rule = ft.taskKinds.short_term_placement;
    expect(rule.agencyType).toBe('rescue_protection_institution');
    expect(rule.clause).toBe('FT 三(一)4(2)');
    expect(rule.quote).toContain('由经常居住地救助保护机构临时监护');
    expect(ft100.taskKinds.short_term_placement.agencyType).toBe('street_office');
  });

  it('FT 三(二)4: units report to the police "及时", and Fengtai has no street-office channel', () => {
    const report = ft.deadlines.report;
    expect(report.clause).toBe('FT 三(二)4');
    expect(report.label.zh).toContain('及时向公安机关报案');
    expect(`${report.label.zh}${report.interpretation?.zh}`).not.toMatch(/第一时间|街道/);
    expect(`${report.label.en}${report.interpretation?.en}`).not.toMatch(/street office|first moment/i);
    // Changning's text has both the words and the channel.
    expect(cn.deadlines.report.quote).toBe('要在第一时间向公安机关报案或向所在街道（镇）报告');
  });

  describe('citations that point at something', () => {
    it('CN 五(一) / CN 四(三): visit intervals, the left-behind interval, risk grading, the repeat window and the later assessment are borrowed from Fengtai, and say so', () => {
      const borrowed = [
        cn.visitIntervals.low,
        cn.visitIntervals.medium,
        cn.visitIntervals.high,
        cn.visitIntervals.leftBehind,
        cn.deadlines.riskGrading,
        cn.deadlines.repeatConcernWindow,
        cn.taskKinds.risk_grading,
        cn.taskKinds.later_assessment,
      ];
      for (const entry of borrowed) {
        expect(entry.clause).toMatch(/^FT /);
        expect(entry.borrowedFrom?.document).toBe('丰政发〔2017〕17号');
      }
    });

    it('CN 五(一): Changning\'s medical-care entry does not quote Fengtai\'s "先救治后救助" as its own', () => {
      expect(JSON.stringify(cn)).not.toContain('先救治后救助');
      expect(JSON.stringify(cn100)).toContain('先救治后救助');
    });
  });

  it('CN 三(四), FT 三(一)4(2): 办案机关 and 执行机关 (prisons, compulsory drug rehabilitation) file detention notices', () => {
    for (const pack of [cn, ft]) {
      expect([...pack.detentionNotice!.filedBy].sort()).toEqual([
        'drug_rehabilitation_centre',
        'police_station',
        'police_substation',
        'prison',
      ]);
    }
    expect(cn.detentionNotice?.quote).toContain('办案机关及执行机关');
    expect(ft.detentionNotice?.quote).toContain('执行机关');
  });
});
