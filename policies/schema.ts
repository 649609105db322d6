/**
 * The shape of a district policy pack: every rule ChildSafe enforces for a district, as data, each with the clause
 * it comes from. Packs are validated by this schema when they load, and a case pins the pack id and version it
 * started under (the whole pack travels in workflow state), so changing a pack never moves a running case.
 */
import { z } from 'zod';
import { lazySchema } from '../contracts/lazy-schema';
import { AGENCY_TYPES, ASSESSMENT_FACTS, LEGAL_STEPS } from '../contracts/enums';
import { isDuration } from './duration';

export const duration = lazySchema(() =>
  z.string().refine(isDuration, { message: 'must be an ISO-8601 duration such as P1M or PT30M' }),
);

/** A reference to the paragraph a rule comes from, e.g. "CN 四(三)" or "FT 三(二)4". */
export const clauseRef = lazySchema(() => z.string().min(2));

export const bilingual = lazySchema(() => z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict());

/**
 * The words of the clause a rule rests on, quoted verbatim in Chinese from the district's text (policies/sources/);
 * test/unit/policies/pack-lint.test.ts checks every quote against the text it cites.
 */
export const quote = lazySchema(() => z.string().min(2));

/**
 * A rule a district pack takes from elsewhere because its own text is silent: its `clause` cites the source (the
 * other district's section, e.g. "FT 三(三)4", or a national document), and the entry says why as an interpretation.
 */
export const borrowedFrom = lazySchema(() =>
  z
    .object({
      /** The document the cited clause belongs to, e.g. 丰政发〔2017〕17号 or 国发〔2016〕36号. */
      document: z.string().min(2),
      why: bilingual(),
    })
    .strict(),
);

/** A legal or operational deadline. `interpretation` is set where the policy says "at once" and the pack chose a number. */
export const deadline = lazySchema(() =>
  z
    .object({
      duration: duration(),
      clause: clauseRef(),
      label: bilingual(),
      interpretation: bilingual().optional(),
      quote: quote().optional(),
      borrowedFrom: borrowedFrom().optional(),
    })
    .strict(),
);

export { AGENCY_TYPES };
export const agencyType = lazySchema(() => z.enum(AGENCY_TYPES));
export type AgencyType = z.infer<ReturnType<typeof agencyType>>;

/** Who an escalation rung tells. */
export const ESCALATION_TARGETS = [
  'assignee',
  'agency_supervisor',
  'street_coordinator',
  'district_coordinator',
] as const;
export const escalationTarget = lazySchema(() => z.enum(ESCALATION_TARGETS));
export type EscalationTarget = z.infer<ReturnType<typeof escalationTarget>>;

/** One rung: `after` is counted from the missed deadline. */
export const escalationRung = lazySchema(() => z.object({ after: duration(), notify: escalationTarget() }).strict());

export const taskKindRule = lazySchema(() =>
  z
    .object({
      label: bilingual(),
      clause: clauseRef(),
      agencyType: agencyType(),
      /** Deadline to accept the task, counted from its creation. */
      accept: deadline(),
      /** Deadline to complete the task, counted from its creation. */
      complete: deadline(),
      /** Key into `escalationLadders`. */
      ladder: z.string().min(1),
      quote: quote().optional(),
      interpretation: bilingual().optional(),
      borrowedFrom: borrowedFrom().optional(),
    })
    .strict(),
);

export const concernType = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z_]+$/),
      label: bilingual(),
      clause: clauseRef(),
      /** What the police must do for this concern (CN 四(二), FT 三(二)4). */
      policeAction: bilingual(),
      quote: quote().optional(),
      /**
       * From pack 1.2.0: the police responses the outcome may record for this concern, with the clause that names them
       * (absent: the response contracts/outcomes.ts RESPONSE_FOR_CONCERN fixes).
       */
      policeResponses: z
        .object({
          responses: z.array(z.string().regex(/^[a-z_]+$/)).min(1),
          clause: clauseRef(),
          quote: quote(),
        })
        .strict()
        .optional(),
    })
    .strict(),
);

export { ASSESSMENT_FACTS };
export const assessmentFact = lazySchema(() => z.enum(ASSESSMENT_FACTS));
export type AssessmentFact = z.infer<ReturnType<typeof assessmentFact>>;

/** One way a rule is met: every fact in `allOf` holds and, if set, the child is younger than `underAge` years. */
export const criterion = lazySchema(() =>
  z.object({ allOf: z.array(assessmentFact()).min(1), underAge: z.number().int().positive().optional() }).strict(),
);
/** A rule holds when any one of its criteria holds. */
export const criteria = lazySchema(() => z.array(criterion()).min(1));
export type Criterion = z.infer<ReturnType<typeof criterion>>;

export const categoryRule = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z_]+$/),
      label: bilingual(),
      clause: clauseRef(),
      /** `difficulty`: a category of 困境儿童; `left_behind`: 留守儿童 (FT 二(二)). */
      kind: z.enum(['difficulty', 'left_behind']),
      when: criteria(),
      interpretation: bilingual().optional(),
      quote: quote().optional(),
    })
    .strict(),
);
export type CategoryRule = z.infer<ReturnType<typeof categoryRule>>;

/**
 * A benefit's standard amount, so 择高 (FT 三(一)1) can compare options by value. Neither district's text gives the
 * figures: each is an interpretation naming where it comes from; an assessment may record the actual amounts.
 */
export const standardAmount = lazySchema(() =>
  z
    .object({
      /** Yuan per month for the child (a one-off or yearly benefit is converted to a monthly figure by its source). */
      monthlyYuan: z.number().nonnegative(),
      /** The year or date the figure is for. */
      asOf: z.string().min(4),
      interpretation: bilingual(),
    })
    .strict(),
);
export type StandardAmount = z.infer<ReturnType<typeof standardAmount>>;

export const benefitRule = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z_]+$/),
      label: bilingual(),
      clause: clauseRef(),
      when: criteria(),
      interpretation: bilingual().optional(),
      quote: quote().optional(),
      standardAmount: standardAmount().optional(),
      borrowedFrom: borrowedFrom().optional(),
    })
    .strict(),
);
export type BenefitRule = z.infer<ReturnType<typeof benefitRule>>;

/**
 * "Highest one only" (择高, FT 三(一)1): of the options a child qualifies for, only the most valuable is granted. An
 * option is a bundle of benefit codes granted together (the two disability subsidies count as one item). Without
 * current amounts the first option in `preference` wins.
 */
export const exclusiveBenefitGroup = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z_]+$/),
      label: bilingual(),
      clause: clauseRef(),
      options: z.array(z.array(z.string().min(1)).min(1)).min(2),
      interpretation: bilingual().optional(),
      quote: quote().optional(),
    })
    .strict(),
);
export type ExclusiveBenefitGroup = z.infer<ReturnType<typeof exclusiveBenefitGroup>>;

/** Facts a revocation ground needs on record (CN 四(四)3). */
export const GROUND_CONDITIONS = [
  /** Criticism and education or a written warning is on record ("经教育不改"). */
  'education_on_record',
  /** A refusal of duties has lasted the neglect threshold ("6个月以上"). */
  'neglect_threshold_reached',
  /** That refusal left the child without means of living ("导致儿童生活无着"). */
  'child_without_means_of_living',
] as const;
export const groundCondition = lazySchema(() => z.enum(GROUND_CONDITIONS));
export type GroundCondition = z.infer<ReturnType<typeof groundCondition>>;

/** The rungs of the legal measures against a guardian (CN 四(四)3). */
export const LEGAL_LADDER_STEPS = LEGAL_STEPS;
export const legalLadderStep = lazySchema(() => z.enum(LEGAL_LADDER_STEPS));
export type LegalLadderStep = z.infer<ReturnType<typeof legalLadderStep>>;

const perStep = <T extends z.ZodType>(value: T) =>
  z
    .object({
      criticism_education: value,
      written_warning: value,
      administrative_penalty: value,
      judicial_transfer: value,
    })
    .strict();

/**
 * The legal measures against a guardian as the text orders them (CN 四(四)3): which step may come first, which may
 * follow which, and which agencies may record each (only the police sanction; the procuratorate may also transfer).
 */
export const legalLadder = lazySchema(() =>
  z
    .object({
      clause: clauseRef(),
      quote: quote(),
      label: bilingual(),
      first: z.array(legalLadderStep()).min(1),
      after: perStep(z.array(legalLadderStep())),
      recordedBy: perStep(z.array(agencyType()).min(1)),
      interpretation: bilingual().optional(),
      borrowedFrom: borrowedFrom().optional(),
    })
    .strict(),
);
export type LegalLadder = z.infer<ReturnType<typeof legalLadder>>;

/** Who files a detention notice for a detained or confined adult's minor children (CN 三(四), FT 三(一)4(2)). */
export const detentionNoticeRule = lazySchema(() =>
  z
    .object({
      clause: clauseRef(),
      quote: quote(),
      /** 办案机关 (police) and 执行机关 (prisons, compulsory drug rehabilitation centres). */
      filedBy: z.array(agencyType()).min(1),
    })
    .strict(),
);

export const JURISDICTION_BASES = ['household_registration', 'long_term_residence', 'incident_place'] as const;
export const jurisdictionBasis = lazySchema(() => z.enum(JURISDICTION_BASES));
export type JurisdictionBasis = z.infer<ReturnType<typeof jurisdictionBasis>>;

/** Grounds on which the district takes a child on (CN 五(一)). */
export const DISTRICT_COVERAGE_GROUNDS = [
  'child_registered',
  'parent_registered',
  'parent_residence_permit',
  'parents_unknown_living_here',
  'long_term_residence',
] as const;
export const districtCoverageGround = lazySchema(() => z.enum(DISTRICT_COVERAGE_GROUNDS));
export type DistrictCoverageGround = z.infer<ReturnType<typeof districtCoverageGround>>;

export const jurisdictionRules = lazySchema(() =>
  z
    .object({
      clause: clauseRef(),
      /** Administrative code of the city (province-level municipality) the district belongs to. */
      cityCode: z.string().regex(/^\d{6}$/),
      /** Ongoing responsibility: the first basis that lies inside the district decides the street/township. */
      ongoingOrder: z.array(jurisdictionBasis()).min(1),
      /** Emergency response goes to the place where it happened. */
      emergencyBasis: jurisdictionBasis(),
      coverage: z
        .array(z.object({ ground: districtCoverageGround(), clause: clauseRef(), label: bilingual() }).strict())
        .min(1),
      /** Escort to the civil affairs of the registration place (CN 四(三)). */
      escortToRegistrationPlace: z
        .object({ clause: clauseRef(), label: bilingual(), interpretation: bilingual().optional() })
        .strict(),
      interpretation: bilingual().optional(),
    })
    .strict(),
);
export type JurisdictionRules = z.infer<ReturnType<typeof jurisdictionRules>>;

/**
 * The district's safety net (FT 三(二)5 "谁主管、谁负责", 三(三)2 "一门受理、协同办理"): who takes a task when the directory has
 * no agency of the task's type for the place, so that no step of the chain fails for want of an agency. Emergency
 * steps (police response, urgent placement) go to the district police duty desk, every other step to the district
 * civil-affairs bureau, and the district coordinators are told.
 */
export const fallbackAgency = lazySchema(() =>
  z
    .object({
      /** A district-level agency of this type takes the task. */
      agencyType: agencyType(),
      label: bilingual(),
      clause: clauseRef(),
      /** The seed's words, in Chinese. */
      quote: z.string().min(1),
    })
    .strict(),
);
export const districtFallbacks = lazySchema(() =>
  z.object({ emergency: fallbackAgency(), ongoing: fallbackAgency(), interpretation: bilingual().optional() }).strict(),
);
export type DistrictFallbacks = z.infer<ReturnType<typeof districtFallbacks>>;

/**
 * From 1.3.0: the school screening standard (FT 三(二)1: schools collect information on children in difficulty and
 * left-behind children "按照…风险评估标准"). The seeds name the standard but give no indicators or numbers, so the
 * indicators, their weights and the thresholds are an interpretation, each saying its basis. A row's score is the sum
 * of the weights of the indicators marked; at or over `reportThreshold.score` the row is a mandatory report.
 */
export const SCREENING_FIELDS = [
  'name',
  'idNumber',
  'sex',
  'dateOfBirth',
  'grade',
  'street',
  'committee',
  'address',
  'leftBehind',
  'guardianName',
  'guardianRelation',
  'guardianPhone',
  'caregiverName',
  'caregiverRelation',
  'caregiverPhone',
  'caregiverSince',
  'screenedOn',
  'note',
] as const;
export type ScreeningField = (typeof SCREENING_FIELDS)[number];

export const screeningIndicator = lazySchema(() =>
  z
    .object({
      code: z.string().regex(/^[a-z_]+$/),
      label: bilingual(),
      weight: z.number().int().positive(),
      clause: clauseRef(),
      quote: quote().optional(),
      /** The concern the report names when this indicator is marked on a reporting row. */
      concern: z.string().optional(),
      /** The pack category the ledger records for a child with this indicator. */
      category: z.string().optional(),
      borrowedFrom: borrowedFrom().optional(),
    })
    .strict(),
);

export const screeningRule = lazySchema(() =>
  z
    .object({
      clause: clauseRef(),
      quote: quote().optional(),
      borrowedFrom: borrowedFrom().optional(),
      interpretation: bilingual(),
      indicators: z.array(screeningIndicator()).min(1),
      /** A row at or over this score becomes a report (and a case), addressed like any other. */
      reportThreshold: z
        .object({
          score: z.number().int().positive(),
          clause: clauseRef(),
          quote: quote().optional(),
          interpretation: bilingual(),
          /** The concern a reporting row names when none of its marked indicators names one. */
          defaultConcern: z.string(),
          borrowedFrom: borrowedFrom().optional(),
        })
        .strict(),
      /** The ledger's risk for a row under the report threshold: the first band whose minimum the score reaches. */
      riskBands: z
        .array(
          z.object({ minScore: z.number().int().nonnegative(), level: z.enum(['low', 'medium', 'high']) }).strict(),
        )
        .min(1),
      /** The template's columns in order (fields the code knows, headers the pack names); indicator columns follow. */
      columns: z
        .array(
          z
            .object({
              field: z.enum(SCREENING_FIELDS),
              header: bilingual(),
              required: z.boolean(),
              hint: bilingual().optional(),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
);
export type ScreeningRule = z.infer<ReturnType<typeof screeningRule>>;

export const policyPackSchema = lazySchema(() =>
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      version: z.string().min(1),
      district: z.object({ code: z.string().min(1), name: bilingual(), city: bilingual() }).strict(),
      document: z.object({ number: z.string().min(1), title: bilingual(), issued: z.string() }).strict(),
      /** Concerns that trigger mandatory reporting. */
      concernTypes: z.array(concernType()).min(1),
      deadlines: z
        .object({
          /** Discovered → reported to police or street office ("第一时间"). */
          report: deadline(),
          /** Pack 1.0.0 only: the value read is taskKinds.police_response.accept (newer packs leave this out). */
          policeAcknowledge: deadline().optional(),
          /** Police dispatched on scene ("立即出警"). */
          policeDispatch: deadline(),
          /** Pack 1.0.0 only: the value read is taskKinds.joint_assessment.complete (newer packs leave this out). */
          assessment: deadline().optional(),
          /** Social-work risk grading. */
          riskGrading: deadline(),
          /** A second concern about the same child inside this window raises the risk level. */
          repeatConcernWindow: deadline(),
        })
        .strict(),
      /** Periodic visit interval per risk level (FT 三(一)1, 三(二)2; the Changning text has none, its pack borrows them). */
      visitIntervals: z
        .object({
          low: deadline(),
          medium: deadline(),
          high: deadline(),
          leftBehind: deadline(),
          /** From 1.3.0 (issue #18): a ledger child whose risk has not been graded yet. */
          unassessed: deadline().optional(),
          /** From 1.3.0 (issues #17 item 7, #18): multiple difficulty is visited more often (FT 三(一)4(2)). */
          multipleDifficulty: deadline().optional(),
          /** From 1.3.0 (issue #18): an interval per category code (FT 二(一), CN 一), where a category has its own. */
          categories: z.record(z.string(), deadline()).optional(),
        })
        .strict(),
      placement: z
        .object({
          shortTermCap: deadline(),
          longTermCap: deadline(),
          /** Reminders before a cap, each counted back from the cap. */
          remindBefore: z.array(duration()).min(1),
          /** After a cap passes undecided, escalate this often until a decision is recorded. */
          overrunEscalationEvery: duration(),
        })
        .strict(),
      neglectThreshold: deadline(),
      escalationLadders: z.record(z.string(), z.array(escalationRung()).min(1)),
      taskKinds: z.record(z.string(), taskKindRule()),
      /** Units and staff who must report (强制报告, CN 四(一), FT 三(二)4). */
      mandatoryReporters: z
        .object({ clause: clauseRef(), agencyTypes: z.array(agencyType()).min(1), quote: quote().optional() })
        .strict(),
      categories: z.array(categoryRule()).min(1),
      /** A left-behind child who also meets a difficulty category is handled as a child in difficulty (FT 二(二)). */
      leftBehindMeetingDifficultyIsDifficulty: z.object({ clause: clauseRef(), value: z.boolean() }).strict(),
      /** A child in at least `minCategories` difficulty categories gets priority (FT 三(一)4(2)). */
      multipleDifficulty: z
        .object({
          minCategories: z.number().int().min(2),
          clause: clauseRef(),
          label: bilingual(),
          interpretation: bilingual().optional(),
        })
        .strict(),
      benefits: z.array(benefitRule()).min(1),
      exclusiveBenefitGroups: z.array(exclusiveBenefitGroup()),
      guardianshipRevocation: z
        .object({
          clause: clauseRef(),
          decidedBy: agencyType(),
          grounds: z
            .array(
              z
                .object({
                  code: z.string().regex(/^[a-z_]+$/),
                  label: bilingual(),
                  clause: clauseRef(),
                  quote: quote().optional(),
                  /** What must be on record before the ground may be recorded by hand (absent: the 1.0.0 checks). */
                  requires: z.array(groundCondition()).optional(),
                })
                .strict(),
            )
            .min(1),
          petitioners: z
            .array(
              z
                .object({
                  code: z.string().regex(/^[a-z_]+$/),
                  label: bilingual(),
                  agencyType: agencyType().optional(),
                })
                .strict(),
            )
            .min(1),
          interpretation: bilingual().optional(),
        })
        .strict(),
      jurisdiction: jurisdictionRules(),
      /** Optional: packs older than the safety net have none, and the case falls back in code (case.workflow.ts). */
      fallbacks: districtFallbacks().optional(),
      /** From 1.1.0: the legal ladder as data; a pack without it keeps the 1.0.0 ladder (workflows/guardianship.ts). */
      legalLadder: legalLadder().optional(),
      /** From 1.1.0: who files detention notices; without it, police only. */
      detentionNotice: detentionNoticeRule().optional(),
      /**
       * From 1.2.0: who is asked to grant the benefits an assessment decides (CN 五(一) 及时办理社会救助): the agency type
       * per benefit code; a benefit not listed goes to the benefit_application task kind's agency (the street office).
       */
      /** From 1.3.0: the school screening standard and template (FT 三(二)1); older packs have none. */
      screening: screeningRule().optional(),
      benefitApplication: z
        .object({
          clause: clauseRef(),
          quote: quote(),
          agencyByBenefit: z.record(z.string(), agencyType()),
          interpretation: bilingual().optional(),
        })
        .strict()
        .optional(),
      /**
       * From 1.3.0 (issue #17 item 6): accountability for silence. `lateReport`: a late report (CN 四(一)) goes to the
       * reporting unit's superior, by the unit's type; `procuratorateReferral`: an agency whose tasks exhaust their
       * escalation ladder `exhaustedLadders` times within `period` is referred to the district procuratorate
       * (FT 三(三)2(4)).
       */
      accountability: z
        .object({
          lateReport: z
            .object({
              clause: clauseRef(),
              quote: quote(),
              /** Reporting unit type → the agency type of its superior. */
              superiors: z.record(z.string(), agencyType()),
              interpretation: bilingual().optional(),
              borrowedFrom: borrowedFrom().optional(),
            })
            .strict()
            .optional(),
          procuratorateReferral: z
            .object({
              clause: clauseRef(),
              quote: quote(),
              exhaustedLadders: z.number().int().min(1),
              period: duration(),
              interpretation: bilingual().optional(),
              borrowedFrom: borrowedFrom().optional(),
            })
            .strict()
            .optional(),
        })
        .strict()
        .optional(),
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
      if (pack.screening) checkScreening(pack.screening, pack, ctx);
    }),
);

/** A screening standard names only concerns and categories of its own pack, and the columns an import needs. */
function checkScreening(
  rule: ScreeningRule,
  pack: { concernTypes: { code: string }[]; categories: { code: string }[] },
  ctx: z.RefinementCtx,
): void {
  const concerns = new Set(pack.concernTypes.map((c) => c.code));
  const categories = new Set(pack.categories.map((c) => c.code));
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['screening', ...path], message });
  rule.indicators.forEach((indicator, i) => {
    if (indicator.concern && !concerns.has(indicator.concern))
      issue(['indicators', i, 'concern'], `unknown concern "${indicator.concern}"`);
    if (indicator.category && !categories.has(indicator.category))
      issue(['indicators', i, 'category'], `unknown category "${indicator.category}"`);
  });
  if (!concerns.has(rule.reportThreshold.defaultConcern))
    issue(['reportThreshold', 'defaultConcern'], `unknown concern "${rule.reportThreshold.defaultConcern}"`);
  const fields = new Set(rule.columns.map((c) => c.field));
  for (const needed of ['name', 'idNumber', 'street', 'leftBehind', 'screenedOn'] as const) {
    if (!fields.has(needed)) issue(['columns'], `the column "${needed}" is missing`);
  }
  if (fields.size !== rule.columns.length) issue(['columns'], 'a field has two columns');
}

export type PolicyPack = z.infer<ReturnType<typeof policyPackSchema>>;
export type Deadline = z.infer<ReturnType<typeof deadline>>;
export type TaskKindRule = z.infer<ReturnType<typeof taskKindRule>>;
export type EscalationRung = z.infer<ReturnType<typeof escalationRung>>;
export type ConcernType = z.infer<ReturnType<typeof concernType>>;
