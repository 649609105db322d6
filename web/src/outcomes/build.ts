/**
 * Turns an outcome form's flat values (keyed by dotted paths under "outcome.") into the typed outcome the complete
 * endpoint takes, or the fields that are wrong. Free of React and the DOM, so the contract test can check what it
 * builds against the workflow's own zod schemas (test/e2e/outcome-contract.test.ts).
 */
import { fromLocalInput, toLocalInput } from '../format';
import type { ConcernType } from '../../../contracts/policies';
import type { Translate } from '../i18n/messages';
import { ASSESSMENT_FACTS, NEXT_STEPS, RISK_LEVELS, SERVICE_KINDS } from '../../../contracts/enums';
import {
  BENEFIT_APPLICATION_RESULTS,
  CHILD_SEARCH_RESULTS,
  GRADING_REVIEW_DECISIONS,
  PERMANENT_ARRANGEMENTS,
  ARRANGEMENT_RESULTS,
  CARE_ARRANGED_WITH,
  DETENTION_ARRANGEMENTS as ARRANGEMENTS,
  GUARDIANSHIP_FINDINGS as GUARDIANSHIP,
  LATER_RECOMMENDATIONS,
  LATE_REPORT_FOLLOW_UP_ACTIONS,
  RESPONSE_FOR_CONCERN,
  SUPERVISION_RESULTS,
  WARNING_STEPS,
  type ConcernResponse,
  type CourtHearingOutcome,
  type Custody,
  type HandoverRecord,
  type TaskOutcomeInput as OutcomeInput,
  type TaskKind as OutcomeKind,
} from '../../../contracts/outcomes';

export type Values = Record<string, string | boolean | string[]>;
export type FieldErrors = Record<string, string>;

export interface OutcomeContext {
  /** Concern codes the emergency response must address, one response each. */
  concerns: string[];
  concernTypes: ConcernType[];
  /** Benefit codes a benefit application decides, one decision each (CN 五(一)). */
  benefits?: string[];
  /** The packs' benefits with their names, to show a name for each code. */
  benefitTypes?: ConcernType[];
  /** The joint assessment's 择高 benefits (FT 三(一)1) whose actual amounts may be recorded (from the task's pack). */
  benefitChoices?: BenefitChoice[];
  /** The task's case: an evidence field may pick or upload one of its attachments (`attachment:<id>`). */
  caseId?: string;
}

export interface BenefitChoice {
  code: string;
  label: { zh: string; en: string };
  clause: string;
  standardMonthlyYuan?: number;
}

/** The path of a benefit's amount field in the joint assessment form. */
export const benefitAmountPath = (code: string) => `outcome.benefitAmounts.${code}`;

// ── Building the outcome from the values ─────────────────────────────────────────────────────────────────────────

/** Reads values and collects "required" errors while building the outcome. */
class Reader {
  readonly errors: FieldErrors = {};
  constructor(
    private readonly v: Values,
    private readonly t: Translate,
  ) {}
  str(path: string): string | undefined {
    const x = this.v[path];
    return typeof x === 'string' && x.trim() ? x.trim() : undefined;
  }
  req(path: string): string {
    const s = this.str(path);
    if (s === undefined) this.errors[path] = this.t('outcome.requiredField');
    return s ?? '';
  }
  instant(path: string, required = true): string {
    const raw = this.str(path);
    const iso = raw ? fromLocalInput(raw) : undefined;
    if (!iso && required) this.errors[path] = this.t('outcome.requiredField');
    return iso ?? '';
  }
  bool(path: string): boolean {
    return this.v[path] === true;
  }
  lines(path: string): string[] {
    const x = this.v[path];
    return typeof x === 'string'
      ? x
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : [];
  }
  list(path: string): string[] {
    const x = this.v[path];
    return Array.isArray(x) ? x : [];
  }
}

function readHandover(r: Reader, base: string, t: Translate): HandoverRecord {
  const childCanExpressView = r.bool(`${base}.childCanExpressView`);
  const childView = r.str(`${base}.childView`);
  // CN 四(二): a child able to express a view is asked where they want to go, and the view is recorded.
  if (childCanExpressView && !childView) r.errors[`${base}.childView`] = t('outcome.childViewRequired');
  return {
    receiverName: r.req(`${base}.receiverName`),
    receiverRole: r.req(`${base}.receiverRole`) as HandoverRecord['receiverRole'],
    relation: r.req(`${base}.relation`),
    handedOverAt: r.instant(`${base}.handedOverAt`),
    documentRef: r.req(`${base}.documentRef`),
    childCanExpressView,
    ...(childView && childCanExpressView ? { childView } : {}),
  };
}

function readResponse(r: Reader, i: number, concern: string): ConcernResponse {
  const base = `outcome.responses.${i}`;
  const response = r.req(`${base}.response`);
  switch (response) {
    case 'child_search': {
      const found = r.bool(`${base}.found`);
      return {
        concern,
        response,
        searchStartedAt: r.instant(`${base}.searchStartedAt`),
        found,
        ...(found ? { foundAt: r.instant(`${base}.foundAt`) } : {}),
      };
    }
    case 'violence_stopped': {
      const moved = r.bool(`${base}.childMovedToProtection`);
      return {
        concern,
        response,
        childMovedToProtection: moved,
        ...(moved ? { protectionInstitution: r.req(`${base}.protectionInstitution`) } : {}),
      };
    }
    case 'care_arranged':
      // CN 四(二): another guardian, a relative or the committee, else temporary care (custody says which).
      return {
        concern,
        response,
        arrangedWith: r.req(`${base}.arrangedWith`) as (typeof CARE_ARRANGED_WITH)[number],
      };
    case 'medical_care': {
      const ref = r.str(`${base}.injuryAssessmentRef`);
      return {
        concern,
        response,
        medicalCareArranged: r.bool(`${base}.medicalCareArranged`),
        ...(ref ? { injuryAssessmentRef: ref } : {}),
      };
    }
    default: {
      const measure = (r.req(`${base}.measure`) || 'parents_ordered_to_return') as
        | 'parents_ordered_to_return'
        | 'entrusted_guardian_named';
      return {
        concern,
        response: 'guardian_recalled',
        measure,
        ...(measure === 'entrusted_guardian_named'
          ? { entrustedGuardianName: r.req(`${base}.entrustedGuardianName`) }
          : {}),
      };
    }
  }
}

function readCustody(r: Reader, t: Translate): Custody {
  const kind = r.req('outcome.custody.kind');
  switch (kind) {
    case 'handed_over':
      return { kind, handover: readHandover(r, 'outcome.custody.handover', t) };
    case 'protective_placement':
      return { kind, institution: r.req('outcome.custody.institution') };
    case 'nobody_can_take':
      return { kind, reason: r.req('outcome.custody.reason') };
    default:
      return { kind: 'remains_with_guardian' };
  }
}

/** CN 四(四)3: the court revokes the guardian's qualification and designates a new guardian, or rejects the petition. */
function readCourtDecision(r: Reader): CourtHearingOutcome['decision'] {
  const result = r.req('outcome.decision.result');
  if (result === 'revoked')
    return {
      result,
      newGuardian: {
        name: r.req('outcome.decision.newGuardian.name'),
        relation: r.req('outcome.decision.newGuardian.relation'),
      },
      designatedAt: r.instant('outcome.decision.designatedAt'),
      ...(r.bool('outcome.decision.civilAffairs') ? { civilAffairs: true } : {}),
    };
  // With no result chosen the error above stops the build; the reason is asked for only once "rejected" is chosen.
  return { result: 'rejected', reason: result === 'rejected' ? r.req('outcome.decision.reason') : '' };
}

/** Builds the outcome of `kind` from the form values, or says which fields are wrong. */
export function buildOutcome(
  kind: OutcomeKind,
  v: Values,
  ctx: OutcomeContext,
  t: Translate,
): { outcome?: OutcomeInput; errors: FieldErrors } {
  const r = new Reader(v, t);
  let outcome: OutcomeInput;
  switch (kind) {
    case 'police_response':
      outcome = {
        kind,
        dispatchedAt: r.instant('outcome.dispatchedAt'),
        responses: concernsOf(ctx).map((c, i) => readResponse(r, i, c || r.req(`outcome.responses.${i}.concern`))),
        custody: readCustody(r, t),
        evidenceRefs: r.lines('outcome.evidenceRefs'),
      };
      break;
    case 'urgent_placement':
      outcome = {
        kind,
        placedAt: r.instant('outcome.placedAt'),
        siteType: r.req('outcome.siteType') as 'temporary_care_site' | 'welfare_institution',
        siteAgencyId: r.req('outcome.siteAgencyId'),
      };
      break;
    case 'detention_care_arrangement': {
      const arrangement = r.req('outcome.arrangement') as (typeof ARRANGEMENTS)[number];
      const needsCaregiver = arrangement === 'entrusted_to_relative' || arrangement === 'entrusted_to_other_adult';
      outcome = { kind, arrangement, ...(needsCaregiver ? { caregiverName: r.req('outcome.caregiverName') } : {}) };
      break;
    }
    case 'joint_assessment': {
      const ageRaw = r.req('outcome.ageYears');
      const age = Number(ageRaw);
      if (ageRaw && (!Number.isInteger(age) || age < 0 || age > 18))
        r.errors['outcome.ageYears'] = t('outcome.ageInvalid');
      // FT 三(一)1 择高: the actual monthly amounts the assessor knows; blank ones fall back to the pack's standard.
      const amounts: Record<string, number> = {};
      for (const choice of ctx.benefitChoices ?? []) {
        const path = benefitAmountPath(choice.code);
        const raw = r.str(path);
        if (raw === undefined) continue;
        const amount = Number(raw);
        if (!Number.isFinite(amount) || amount < 0 || amount > 100_000) r.errors[path] = t('outcome.amountInvalid');
        else amounts[choice.code] = amount;
      }
      outcome = {
        kind,
        ageYears: age,
        facts: r.list('outcome.facts') as (typeof ASSESSMENT_FACTS)[number][],
        familySituation: r.req('outcome.familySituation'),
        guardianship: r.req('outcome.guardianship') as (typeof GUARDIANSHIP)[number],
        physicalHealth: r.req('outcome.physicalHealth'),
        mentalHealth: r.req('outcome.mentalHealth'),
        ...(Object.keys(amounts).length > 0 ? { benefitAmounts: amounts } : {}),
      };
      break;
    }
    case 'risk_grading':
      outcome = {
        kind,
        riskLevel: r.req('outcome.riskLevel') as (typeof RISK_LEVELS)[number],
        recommendation: r.req('outcome.recommendation') as (typeof NEXT_STEPS)[number],
        needs: r.lines('outcome.needs'),
        ...(r.str('outcome.recommendation') === 'services'
          ? { services: r.list('outcome.services') as (typeof SERVICE_KINDS)[number][] }
          : {}),
      };
      break;
    case 'monitoring_visit':
      outcome = {
        kind,
        visitedAt: r.instant('outcome.visitedAt'),
        childSeen: r.bool('outcome.childSeen'),
        guardianshipArrangementAdequate: r.bool('outcome.guardianshipArrangementAdequate'),
        newConcern: r.bool('outcome.newConcern'),
      };
      break;
    case 'short_term_placement':
      outcome = {
        kind,
        placedAt: r.instant('outcome.placedAt'),
        siteAgencyId: r.req('outcome.siteAgencyId'),
        // CN 四(三): the site is matched to the child's wishes, health, address and school; each is said.
        fit: {
          wishes: r.req('outcome.fit.wishes'),
          health: r.req('outcome.fit.health'),
          address: r.req('outcome.fit.address'),
          school: r.req('outcome.fit.school'),
        },
      };
      break;
    case 'long_term_placement':
      outcome = {
        kind,
        placedAt: r.instant('outcome.placedAt'),
        institutionAgencyId: r.req('outcome.institutionAgencyId'),
      };
      break;
    case 'guardian_search': {
      const found = r.bool('outcome.found');
      // A found guardian needs a reference; the police's failure certificate only goes with a failed search.
      const certificateRef = found ? undefined : r.str('outcome.certificateRef');
      outcome = {
        kind,
        searchedUntil: r.instant('outcome.searchedUntil'),
        found,
        ...(found ? { guardianRef: r.req('outcome.guardianRef') } : {}),
        ...(certificateRef ? { certificateRef } : {}),
      };
      break;
    }
    case 'escort_to_registration_place':
      outcome = {
        kind,
        registrationPlace: r.req('outcome.registrationPlace'),
        handover: {
          receivingOffice: r.req('outcome.handover.receivingOffice'),
          receiverName: r.req('outcome.handover.receiverName'),
          handedOverAt: r.instant('outcome.handover.handedOverAt'),
          documentRef: r.req('outcome.handover.documentRef'),
        },
        confirmation: {
          confirmedAt: r.instant('outcome.confirmation.confirmedAt'),
          reference: r.req('outcome.confirmation.reference'),
        },
      };
      break;
    case 'daily_care':
    case 'schooling':
    case 'medical_care':
    case 'legal_aid':
      outcome = {
        kind,
        startedAt: r.instant('outcome.startedAt'),
        providedBy: r.req('outcome.providedBy'),
        provided: r.req('outcome.provided'),
      };
      break;
    case 'psychological_support':
      outcome = {
        kind,
        startedAt: r.instant('outcome.startedAt'),
        providedBy: r.req('outcome.providedBy'),
        provided: r.req('outcome.provided'),
        familyEducationGuidance: r.bool('outcome.familyEducationGuidance'),
      };
      break;
    case 'guardianship_petition':
      outcome = { kind, filedAt: r.instant('outcome.filedAt'), courtRef: r.req('outcome.courtRef') };
      break;
    case 'court_hearing':
      outcome = {
        kind,
        hearingDate: r.instant('outcome.hearingDate'),
        judgmentRef: r.req('outcome.judgmentRef'),
        decision: readCourtDecision(r),
      };
      break;
    case 'follow_up_visit': {
      const newConcern = r.bool('outcome.newConcern');
      const concerns = r.list('outcome.concerns');
      outcome = {
        kind,
        visitedAt: r.instant('outcome.visitedAt'),
        childSeen: r.bool('outcome.childSeen'),
        newConcern,
        // CN 四(一): a new concern is reported; what it is about goes to the police with the report.
        ...(newConcern && concerns.length > 0 ? { concerns } : {}),
      };
      break;
    }
    case 'child_search': {
      const result = r.req('outcome.result') as (typeof CHILD_SEARCH_RESULTS)[number];
      outcome = {
        kind,
        result,
        at: r.instant('outcome.at'),
        ...(result === 'found' ? { foundWhere: r.req('outcome.foundWhere') } : {}),
        ...(result === 'handed_to_criminal_process' ? { criminalCaseRef: r.req('outcome.criminalCaseRef') } : {}),
      };
      break;
    }
    case 'grading_review': {
      // FT 三(三)4: the committee accepts, changes the grade (with its reason) or sends the grading back (with why).
      const decision = r.req('outcome.decision') as (typeof GRADING_REVIEW_DECISIONS)[number];
      const recommendation = r.str('outcome.recommendation') as (typeof NEXT_STEPS)[number] | undefined;
      outcome = {
        kind,
        decision,
        reviewedAt: r.instant('outcome.reviewedAt'),
        ...(decision === 'grade_changed'
          ? {
              riskLevel: r.req('outcome.riskLevel') as (typeof RISK_LEVELS)[number],
              ...(recommendation ? { recommendation } : {}),
            }
          : {}),
        ...(decision === 'grade_changed' || decision === 'sent_back' ? { reason: r.req('outcome.reason') } : {}),
      };
      break;
    }
    case 'permanent_arrangement':
      outcome = {
        kind,
        arrangement: r.req('outcome.arrangement') as (typeof PERMANENT_ARRANGEMENTS)[number],
        arrangedAt: r.instant('outcome.arrangedAt'),
        caregiver: r.req('outcome.caregiver'),
        documentRef: r.req('outcome.documentRef'),
      };
      break;
    case 'benefit_application':
      // A task without benefits to decide cannot be completed from this form (the server would refuse it too).
      if ((ctx.benefits ?? []).length === 0) r.errors['outcome.decisions'] = t('outcome.requiredField');
      outcome = {
        kind,
        decisions: (ctx.benefits ?? []).map((benefit, i) => {
          const base = `outcome.decisions.${i}`;
          const result = r.req(`${base}.result`) as (typeof BENEFIT_APPLICATION_RESULTS)[number];
          return {
            benefit,
            result,
            decidedAt: r.instant(`${base}.decidedAt`),
            ...(result === 'granted' ? { decisionRef: r.req(`${base}.decisionRef`) } : {}),
            ...(result === 'refused' ? { reason: r.req(`${base}.reason`) } : {}),
          };
        }),
      };
      break;
    case 'guardianship_arrangement': {
      const result = r.req('outcome.result') as (typeof ARRANGEMENT_RESULTS)[number];
      const note = r.str('outcome.note');
      outcome = {
        kind,
        result,
        guidanceGiven: r.bool('outcome.guidanceGiven'),
        ...(result === 'new_caregiver' ? { caregiverName: r.req('outcome.caregiverName') } : {}),
        ...(note ? { note } : {}),
      };
      break;
    }
    case 'later_assessment':
      outcome = {
        kind,
        submittedAt: r.instant('outcome.submittedAt'),
        reportRef: r.req('outcome.reportRef'),
        recommendation: r.req('outcome.recommendation') as (typeof LATER_RECOMMENDATIONS)[number],
      };
      break;
    case 'legal_warning':
      outcome = {
        kind,
        step: r.req('outcome.step') as (typeof WARNING_STEPS)[number],
        issuedAt: r.instant('outcome.issuedAt'),
        evidenceRef: r.req('outcome.evidenceRef'),
      };
      break;
    case 'late_report_follow_up':
      outcome = {
        kind,
        action: r.req('outcome.action') as (typeof LATE_REPORT_FOLLOW_UP_ACTIONS)[number],
        decidedAt: r.instant('outcome.decidedAt'),
        note: r.req('outcome.note'),
      };
      break;
    case 'procuratorate_supervision': {
      const result = r.req('outcome.result') as (typeof SUPERVISION_RESULTS)[number];
      outcome = {
        kind,
        result,
        decidedAt: r.instant('outcome.decidedAt'),
        ...(result === 'supervision_opinion_issued' ? { opinionRef: r.req('outcome.opinionRef') } : {}),
        note: r.req('outcome.note'),
      };
      break;
    }
  }
  return Object.keys(r.errors).length > 0 ? { errors: r.errors } : { outcome, errors: {} };
}

/** The concerns to answer; one blank row when the task named none (the officer then picks the concern). */
export function concernsOf(ctx: OutcomeContext): string[] {
  return ctx.concerns.length > 0 ? ctx.concerns : [''];
}

/** Sensible starting values: "now" for the times an officer records on the spot, the expected response per concern. */
export function initialValues(kind: OutcomeKind, ctx: OutcomeContext): Values {
  const now = toLocalInput(new Date());
  switch (kind) {
    case 'police_response': {
      // No unsafe defaults (issue 12): where the child stays and which measure was taken decide the child's safety,
      // so the officer chooses them; only the time and the response that follows from the concern are prefilled.
      const v: Values = { 'outcome.dispatchedAt': now };
      concernsOf(ctx).forEach((c, i) => {
        v[`outcome.responses.${i}.response`] = RESPONSE_FOR_CONCERN[c] ?? 'guardian_recalled';
        v[`outcome.responses.${i}.searchStartedAt`] = now;
      });
      return v;
    }
    case 'urgent_placement':
    case 'short_term_placement':
    case 'long_term_placement':
      return { 'outcome.placedAt': now };
    case 'monitoring_visit':
    case 'follow_up_visit':
      return { 'outcome.visitedAt': now };
    case 'child_search':
      return { 'outcome.at': now };
    case 'permanent_arrangement':
      return { 'outcome.arrangedAt': now };
    case 'late_report_follow_up':
    case 'procuratorate_supervision':
      return { 'outcome.decidedAt': now };
    case 'grading_review':
      return { 'outcome.reviewedAt': now };
    case 'benefit_application':
      return Object.fromEntries((ctx.benefits ?? []).map((_, i) => [`outcome.decisions.${i}.decidedAt`, now]));
    default:
      return {};
  }
}
