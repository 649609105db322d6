/**
 * The shape of a district policy pack: every rule ChildSafe enforces for a district, as data, each with the clause
 * it comes from. Packs are validated by this schema when they load, and a case pins the pack id and version it
 * started under (the whole pack travels in workflow state), so changing a pack never moves a running case.
 */
import { z } from 'zod';
import { AGENCY_TYPES, ASSESSMENT_FACTS } from '../contracts/enums';
import { isDuration } from './duration';

export const duration = z.string().refine(isDuration, { message: 'must be an ISO-8601 duration such as P1M or PT30M' });

/** A reference to the paragraph a rule comes from, e.g. "CN 四(三)" or "FT 三(二)4". */
export const clauseRef = z.string().min(2);

export const bilingual = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

/** A legal or operational deadline. `interpretation` is set where the policy says "at once" and the pack chose a number. */
export const deadline = z
  .object({
    duration,
    clause: clauseRef,
    label: bilingual,
    interpretation: bilingual.optional(),
  })
  .strict();

export { AGENCY_TYPES };
export const agencyType = z.enum(AGENCY_TYPES);
export type AgencyType = z.infer<typeof agencyType>;

/** Who an escalation rung tells. */
export const ESCALATION_TARGETS = [
  'assignee',
  'agency_supervisor',
  'street_coordinator',
  'district_coordinator',
] as const;
export const escalationTarget = z.enum(ESCALATION_TARGETS);
export type EscalationTarget = z.infer<typeof escalationTarget>;

/** One rung: `after` is counted from the missed deadline. */
export const escalationRung = z.object({ after: duration, notify: escalationTarget }).strict();

export const taskKindRule = z
  .object({
    label: bilingual,
    clause: clauseRef,
    agencyType,
    /** Deadline to accept the task, counted from its creation. */
    accept: deadline,
    /** Deadline to complete the task, counted from its creation. */
    complete: deadline,
    /** Key into `escalationLadders`. */
    ladder: z.string().min(1),
  })
  .strict();

export const concernType = z
  .object({
    code: z.string().regex(/^[a-z_]+$/),
    label: bilingual,
    clause: clauseRef,
    /** What the police must do for this concern (CN 四(二), FT 三(二)4). */
    policeAction: bilingual,
  })
  .strict();

export { ASSESSMENT_FACTS };
export const assessmentFact = z.enum(ASSESSMENT_FACTS);
export type AssessmentFact = z.infer<typeof assessmentFact>;

/** One way a rule is met: every fact in `allOf` holds and, if set, the child is younger than `underAge` years. */
export const criterion = z
  .object({ allOf: z.array(assessmentFact).min(1), underAge: z.number().int().positive().optional() })
  .strict();
/** A rule holds when any one of its criteria holds. */
export const criteria = z.array(criterion).min(1);
export type Criterion = z.infer<typeof criterion>;

export const categoryRule = z
  .object({
    code: z.string().regex(/^[a-z_]+$/),
    label: bilingual,
    clause: clauseRef,
    /** `difficulty`: a category of 困境儿童; `left_behind`: 留守儿童 (FT 二(二)). */
    kind: z.enum(['difficulty', 'left_behind']),
    when: criteria,
    interpretation: bilingual.optional(),
  })
  .strict();
export type CategoryRule = z.infer<typeof categoryRule>;

export const benefitRule = z
  .object({
    code: z.string().regex(/^[a-z_]+$/),
    label: bilingual,
    clause: clauseRef,
    when: criteria,
    interpretation: bilingual.optional(),
  })
  .strict();
export type BenefitRule = z.infer<typeof benefitRule>;

/**
 * "Highest one only" (择高, FT 三(一)1): of the options a child qualifies for, only the most valuable is granted. An
 * option is a bundle of benefit codes granted together (the two disability subsidies count as one item). Without
 * current amounts the first option in `preference` wins.
 */
export const exclusiveBenefitGroup = z
  .object({
    code: z.string().regex(/^[a-z_]+$/),
    label: bilingual,
    clause: clauseRef,
    options: z.array(z.array(z.string().min(1)).min(1)).min(2),
    interpretation: bilingual.optional(),
  })
  .strict();
export type ExclusiveBenefitGroup = z.infer<typeof exclusiveBenefitGroup>;

export const JURISDICTION_BASES = ['household_registration', 'long_term_residence', 'incident_place'] as const;
export const jurisdictionBasis = z.enum(JURISDICTION_BASES);
export type JurisdictionBasis = z.infer<typeof jurisdictionBasis>;

/** Grounds on which the district takes a child on (CN 五(一)). */
export const DISTRICT_COVERAGE_GROUNDS = [
  'child_registered',
  'parent_registered',
  'parent_residence_permit',
  'parents_unknown_living_here',
  'long_term_residence',
] as const;
export const districtCoverageGround = z.enum(DISTRICT_COVERAGE_GROUNDS);
export type DistrictCoverageGround = z.infer<typeof districtCoverageGround>;

export const jurisdictionRules = z
  .object({
    clause: clauseRef,
    /** Administrative code of the city (province-level municipality) the district belongs to. */
    cityCode: z.string().regex(/^\d{6}$/),
    /** Ongoing responsibility: the first basis that lies inside the district decides the street/township. */
    ongoingOrder: z.array(jurisdictionBasis).min(1),
    /** Emergency response goes to the place where it happened. */
    emergencyBasis: jurisdictionBasis,
    coverage: z
      .array(z.object({ ground: districtCoverageGround, clause: clauseRef, label: bilingual }).strict())
      .min(1),
    /** Escort to the civil affairs of the registration place (CN 四(三)). */
    escortToRegistrationPlace: z
      .object({ clause: clauseRef, label: bilingual, interpretation: bilingual.optional() })
      .strict(),
    interpretation: bilingual.optional(),
  })
  .strict();
export type JurisdictionRules = z.infer<typeof jurisdictionRules>;

/**
 * The district's safety net (FT 三(二)5 "谁主管、谁负责", 三(三)2 "一门受理、协同办理"): who takes a task when the directory has
 * no agency of the task's type for the place, so that no step of the chain fails for want of an agency. Emergency
 * steps (police response, urgent placement) go to the district police duty desk, every other step to the district
 * civil-affairs bureau, and the district coordinators are told.
 */
export const fallbackAgency = z
  .object({
    /** A district-level agency of this type takes the task. */
    agencyType,
    label: bilingual,
    clause: clauseRef,
    /** The seed's words, in Chinese. */
    quote: z.string().min(1),
  })
  .strict();
export const districtFallbacks = z
  .object({ emergency: fallbackAgency, ongoing: fallbackAgency, interpretation: bilingual.optional() })
  .strict();
export type DistrictFallbacks = z.infer<typeof districtFallbacks>;

export const policyPackSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.string().min(1),
    district: z.object({ code: z.string().min(1), name: bilingual, city: bilingual }).strict(),
    document: z.object({ number: z.string().min(1), title: bilingual, issued: z.string() }).strict(),
    /** Concerns that trigger mandatory reporting. */
    concernTypes: z.array(concernType).min(1),
    deadlines: z
      .object({
        /** Discovered → reported to police or street office ("第一时间"). */
        report: deadline,
        /** Police acknowledge a report. */
        policeAcknowledge: deadline,
        /** Police dispatched on scene ("立即出警"). */
        policeDispatch: deadline,
        /** Joint street-office and police assessment. */
        assessment: deadline,
        /** Social-work risk grading. */
        riskGrading: deadline,
        /** A second concern about the same child inside this window raises the risk level. */
        repeatConcernWindow: deadline,
      })
      .strict(),
    /** Periodic visit interval per risk level (CN 五(一), FT 三(一)1, 三(二)2). */
    visitIntervals: z.object({ low: deadline, medium: deadline, high: deadline, leftBehind: deadline }).strict(),
    placement: z
      .object({
        shortTermCap: deadline,
        longTermCap: deadline,
        /** Reminders before a cap, each counted back from the cap. */
        remindBefore: z.array(duration).min(1),
        /** After a cap passes undecided, escalate this often until a decision is recorded. */
        overrunEscalationEvery: duration,
      })
      .strict(),
    neglectThreshold: deadline,
    escalationLadders: z.record(z.string(), z.array(escalationRung).min(1)),
    taskKinds: z.record(z.string(), taskKindRule),
    /** Units and staff who must report (强制报告, CN 四(一), FT 三(二)4). */
    mandatoryReporters: z.object({ clause: clauseRef, agencyTypes: z.array(agencyType).min(1) }).strict(),
    categories: z.array(categoryRule).min(1),
    /** A left-behind child who also meets a difficulty category is handled as a child in difficulty (FT 二(二)). */
    leftBehindMeetingDifficultyIsDifficulty: z.object({ clause: clauseRef, value: z.boolean() }).strict(),
    /** A child in at least `minCategories` difficulty categories gets priority (FT 三(一)4(2)). */
    multipleDifficulty: z
      .object({
        minCategories: z.number().int().min(2),
        clause: clauseRef,
        label: bilingual,
        interpretation: bilingual.optional(),
      })
      .strict(),
    benefits: z.array(benefitRule).min(1),
    exclusiveBenefitGroups: z.array(exclusiveBenefitGroup),
    guardianshipRevocation: z
      .object({
        clause: clauseRef,
        decidedBy: agencyType,
        grounds: z
          .array(z.object({ code: z.string().regex(/^[a-z_]+$/), label: bilingual, clause: clauseRef }).strict())
          .min(1),
        petitioners: z
          .array(
            z
              .object({ code: z.string().regex(/^[a-z_]+$/), label: bilingual, agencyType: agencyType.optional() })
              .strict(),
          )
          .min(1),
        interpretation: bilingual.optional(),
      })
      .strict(),
    jurisdiction: jurisdictionRules,
    /** Optional: packs older than the safety net have none, and the case falls back in code (case.workflow.ts). */
    fallbacks: districtFallbacks.optional(),
  })
  .passthrough()
  .superRefine((pack, ctx) => {
    for (const [kind, rule] of Object.entries(pack.taskKinds)) {
      if (!pack.escalationLadders[rule.ladder]) {
        ctx.addIssue({
          code: 'custom',
          path: ['taskKinds', kind, 'ladder'],
          message: `unknown escalation ladder "${rule.ladder}"`,
        });
      }
    }
    const benefitCodes = new Set(pack.benefits.map((b) => b.code));
    pack.exclusiveBenefitGroups.forEach((group, g) =>
      group.options.forEach((option, o) =>
        option.forEach((code, c) => {
          if (!benefitCodes.has(code)) {
            ctx.addIssue({
              code: 'custom',
              path: ['exclusiveBenefitGroups', g, 'options', o, c],
              message: `unknown benefit "${code}"`,
            });
          }
        }),
      ),
    );
  });

export type PolicyPack = z.infer<typeof policyPackSchema>;
export type Deadline = z.infer<typeof deadline>;
export type TaskKindRule = z.infer<typeof taskKindRule>;
export type EscalationRung = z.infer<typeof escalationRung>;
export type ConcernType = z.infer<typeof concernType>;
