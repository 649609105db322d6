/**
 * Task outcomes, one zod schema per task kind (discriminated on `kind`): the body of the API's complete endpoint, the
 * argument of the task workflow's completeTask update (validated again inside the workflow), and the web app's
 * outcome forms. Pure zod, so the workflow sandbox and the browser bundle both load it; workflows/definitions.ts
 * re-exports it for the workflow code. Every schema is built on first use (`taskOutcomeSchema()`, contracts/lazy-schema.ts),
 * not when the module loads: the sandbox loads this module again for every workflow it creates or replays.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { ASSESSMENT_FACTS, LEGAL_STEPS, NEXT_STEPS, RISK_LEVELS, SERVICE_KINDS } from './enums';

const isoInstant = lazySchema(() => z.iso.datetime({ offset: true }));
const text = lazySchema(() => z.string().trim().min(1));

// ── Enumerations of the outcome fields ───────────────────────────────────────────────────────────────────────────

/** Who took a child handed over after the emergency response (CN 四(二)). */
export const HANDOVER_RECEIVER_ROLES = ['relative', 'other_guardian', 'residents_committee'] as const;
/** CN 四(二): who took a child lacking guardianship, or temporary care when nobody could or would. */
export const CARE_ARRANGED_WITH = ['other_guardian', 'relative', 'residents_committee', 'temporary_care'] as const;
export const URGENT_PLACEMENT_SITE_TYPES = ['temporary_care_site', 'welfare_institution'] as const;
/** CN 三(四): how the children of a detained adult are cared for. */
export const DETENTION_ARRANGEMENTS = [
  'entrusted_to_relative',
  'entrusted_to_other_adult',
  'placed_by_street_office',
  'not_needed',
] as const;
/** The joint assessment's finding on guardianship (CN 四(三)). */
export const GUARDIANSHIP_FINDINGS = ['adequate', 'improper', 'missing'] as const;
/** FT 三(三)4: the later-stage assessment recommends. */
export const LATER_RECOMMENDATIONS = ['close_case', 'continue_support'] as const;
/** The police's own rungs of the legal ladder (CN 四(四)3). */
export const WARNING_STEPS = [
  'criticism_education',
  'written_warning',
] as const satisfies readonly (typeof LEGAL_STEPS)[number][];
export const COURT_RESULTS = ['revoked', 'rejected'] as const;
/** FT 三(二)4 儿童失踪快速查找机制: a search that did not find the child at once ends found or handed to the criminal process. */
export const CHILD_SEARCH_RESULTS = ['found', 'handed_to_criminal_process'] as const;
/**
 * FT 三(一)4(2): the permanent arrangements after temporary guardianship: kinship care, family foster care,
 * institutional care and adoption for a child who lost or cannot find the parents; care by the welfare institution of
 * the registration place for a child without guardians; civil affairs as guardian designated by the court.
 */
export const PERMANENT_ARRANGEMENTS = [
  'kinship_care',
  'family_foster_care',
  'institutional_care',
  'adoption_referral',
  'registration_place_welfare_institution',
  'civil_affairs_guardianship',
] as const;
export type PermanentArrangement = (typeof PERMANENT_ARRANGEMENTS)[number];
/**
 * CN 四(一) "上级机关和有关部门要严肃追责": what the reporting unit's superior did about a late report (talked to the
 * unit, warned it, disciplined it, or found no fault).
 */
export const LATE_REPORT_FOLLOW_UP_ACTIONS = ['talked_to', 'warned', 'disciplined', 'no_fault_found'] as const;
/** FT 三(三)2(4) "对相关部门作出司法监督": the procuratorate's outcome of a supervision referral. */
export const SUPERVISION_RESULTS = ['supervision_opinion_issued', 'no_action'] as const;
/** CN 五(一) 及时办理社会救助: the agency's decision on a benefit application. */
export const BENEFIT_APPLICATION_RESULTS = ['granted', 'refused'] as const;
/**
 * FT 三(三)4 "将评估结果提交至困境儿童和留守儿童保护委员会审议": the committee accepts the social-work grading, changes the
 * grade (the case goes on with the committee's grade), or sends it back to the social workers with its reason.
 */
export const GRADING_REVIEW_DECISIONS = ['accepted', 'grade_changed', 'sent_back'] as const;
export type GradingReviewDecision = (typeof GRADING_REVIEW_DECISIONS)[number];

/**
 * CN 四(二): a child handed to another guardian, a relative or the residents' committee needs a written handover;
 * a child able to express a view is asked where they want to go, and that view is recorded.
 */
export const handoverRecordSchema = lazySchema(() =>
  z
    .object({
      receiverName: z.string().min(1),
      receiverRole: z.enum(HANDOVER_RECEIVER_ROLES),
      relation: z.string().min(1),
      handedOverAt: isoInstant(),
      documentRef: z.string().min(1),
      childCanExpressView: z.boolean(),
      childView: z.string().min(1).optional(),
    })
    .strict()
    .refine((h) => !h.childCanExpressView || h.childView !== undefined, {
      message: 'CN 四(二): a child able to express a view must be asked, and the view recorded',
      path: ['childView'],
    }),
);
export type HandoverRecord = z.infer<ReturnType<typeof handoverRecordSchema>>;

// ── Task outcomes, one per task kind (discriminated on `kind`) ────────────────────────────────────────────────────

/** CN 四(二), FT 三(二)4: what the police did, one entry per concern in the report. */
export const concernResponseSchema = lazySchema(() =>
  z.discriminatedUnion('response', [
    // living alone / lacking guardianship: parents ordered to return at once, or an entrusted guardian named.
    z
      .object({
        concern: z.string().min(1),
        response: z.literal('guardian_recalled'),
        measure: z.enum(['parents_ordered_to_return', 'entrusted_guardian_named']),
        entrustedGuardianName: z.string().min(1).optional(),
      })
      .strict()
      .refine((r) => r.measure !== 'entrusted_guardian_named' || r.entrustedGuardianName !== undefined, {
        message: 'an entrusted guardian must be named',
        path: ['entrustedGuardianName'],
      }),
    // lacking guardianship (CN 四(二)): the police contact another guardian, a relative or the committee, who takes the
    // child with a written handover; if none can or will, temporary care (the custody then says nobody can take the
    // child, and the street office places the child). Truthful for an orphan or a child whose parents are unknown.
    z
      .object({
        concern: z.string().min(1),
        response: z.literal('care_arranged'),
        arrangedWith: z.enum(CARE_ARRANGED_WITH),
      })
      .strict(),
    // missing / out of contact: rapid child-search mechanism.
    z
      .object({
        concern: z.string().min(1),
        response: z.literal('child_search'),
        searchStartedAt: isoInstant(),
        found: z.boolean(),
        foundAt: isoInstant().optional(),
      })
      .strict()
      .refine((r) => !r.found || r.foundAt !== undefined, {
        message: 'a found child needs foundAt',
        path: ['foundAt'],
      }),
    // domestic violence: stop it; if needed place the child in a rescue or welfare institution for protection.
    z
      .object({
        concern: z.string().min(1),
        response: z.literal('violence_stopped'),
        childMovedToProtection: z.boolean(),
        protectionInstitution: z.string().min(1).optional(),
      })
      .strict()
      .refine((r) => !r.childMovedToProtection || r.protectionInstitution !== undefined, {
        message: 'name the protecting institution',
        path: ['protectionInstitution'],
      }),
    // injury or other infringement: stop it, protect, medical treatment and injury assessment.
    z
      .object({
        concern: z.string().min(1),
        response: z.literal('medical_care'),
        medicalCareArranged: z.boolean(),
        injuryAssessmentRef: z.string().min(1).optional(),
      })
      .strict(),
  ]),
);
export type ConcernResponse = z.infer<ReturnType<typeof concernResponseSchema>>;

/** The response a concern code calls for (CN 四(二)); codes not listed here accept any documented response. */
export const RESPONSE_FOR_CONCERN: Readonly<Record<string, ConcernResponse['response']>> = {
  living_alone: 'guardian_recalled',
  lacking_guardianship: 'guardian_recalled',
  missing: 'child_search',
  domestic_violence: 'violence_stopped',
  injury: 'medical_care',
  infringement: 'medical_care',
};

/** Where the child is after the emergency response (CN 四(二)). */
export const custodySchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('remains_with_guardian') }).strict(),
    z.object({ kind: z.literal('handed_over'), handover: handoverRecordSchema() }).strict(),
    z.object({ kind: z.literal('protective_placement'), institution: z.string().min(1) }).strict(),
    // Nobody can or will take the child: the case opens an urgent placement task for the street office.
    z.object({ kind: z.literal('nobody_can_take'), reason: z.string().min(1) }).strict(),
  ]),
);
export type Custody = z.infer<ReturnType<typeof custodySchema>>;

export const policeResponseOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('police_response'),
      dispatchedAt: isoInstant(),
      responses: z.array(concernResponseSchema()).min(1),
      custody: custodySchema(),
      evidenceRefs: z.array(z.string().min(1)).default([]),
    })
    .strict(),
);

export const urgentPlacementOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('urgent_placement'),
      placedAt: isoInstant(),
      siteType: z.enum(URGENT_PLACEMENT_SITE_TYPES),
      siteAgencyId: z.string().min(1),
    })
    .strict(),
);

/** CN 三(四): care arranged for the minor children of a detained adult. */
export const detentionCareOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('detention_care_arrangement'),
      arrangement: z.enum(DETENTION_ARRANGEMENTS),
      caregiverName: z.string().min(1).optional(),
      handover: handoverRecordSchema().optional(),
    })
    .strict()
    .refine((o) => o.arrangement === 'not_needed' || o.arrangement === 'placed_by_street_office' || o.caregiverName, {
      message: 'name the entrusted caregiver',
      path: ['caregiverName'],
    }),
);

/**
 * CN 四(三): the joint assessment of family situation, guardianship, physical and mental health. `facts` and
 * `ageYears` are what the pack's category and benefit rules read (policies/criteria.ts); the rest is the record.
 */
export const jointAssessmentOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('joint_assessment'),
      ageYears: z.number().int().min(0).max(18),
      facts: z.array(z.enum(ASSESSMENT_FACTS)),
      familySituation: z.string().min(1),
      guardianship: z.enum(GUARDIANSHIP_FINDINGS),
      physicalHealth: z.string().min(1),
      mentalHealth: z.string().min(1),
      /**
       * FT 三(一)1 择高: the monthly amounts (yuan) this child is actually paid or due, by benefit code, where the assessor
       * knows them; they take precedence over the pack's standard amounts when the highest option is chosen.
       */
      benefitAmounts: z
        .record(z.string().regex(/^[a-z][a-z_]{0,59}$/, 'must be a benefit code'), z.number().min(0).max(100_000))
        .optional(),
    })
    .strict(),
);

/** FT 三(三)4: the social-work risk grading and its recommendation. */
export const riskGradingOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('risk_grading'),
      riskLevel: z.enum(RISK_LEVELS),
      recommendation: z.enum(NEXT_STEPS),
      needs: z.array(z.string().min(1)).default([]),
      /** With the recommendation `services`: the support services to open (FT 三(二)4; CN 四(四) lists the kinds). */
      services: z.array(z.enum(SERVICE_KINDS)).optional(),
    })
    .strict(),
);

/** CN 五(一), FT 三(二)2: a periodic visit by the committee's child social worker. */
export const monitoringVisitOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('monitoring_visit'),
      visitedAt: isoInstant(),
      childSeen: z.boolean(),
      guardianshipArrangementAdequate: z.boolean(),
      newConcern: z.boolean(),
    })
    .strict(),
);

// ── The intervention's task outcomes (CN 四(三), 四(四), 五(一)) ─────────────────────────────────────────────────────

/** CN 四(三): the temporary care site is matched to the child's wishes, health, address and school; say why. */
export const placementFitSchema = lazySchema(() =>
  z.object({ wishes: text(), health: text(), address: text(), school: text() }).strict(),
);

export const shortTermPlacementOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('short_term_placement'),
      placedAt: isoInstant(),
      siteAgencyId: text(),
      fit: placementFitSchema(),
    })
    .strict(),
);

/** CN 四(三): civil affairs places the child in a child welfare institution (after the police certificate). */
export const longTermPlacementOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('long_term_placement'),
      placedAt: isoInstant(),
      institutionAgencyId: text(),
    })
    .strict(),
);

/** CN 四(三): the search for parents and close relatives; the police certify in writing when it failed. */
export const guardianSearchOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('guardian_search'),
      searchedUntil: isoInstant(),
      found: z.boolean(),
      guardianRef: text().optional(),
      /** The police's written certificate that the search failed (公安机关出具书面证明). */
      certificateRef: text().optional(),
    })
    .strict()
    .refine((o) => !o.found || o.guardianRef !== undefined, {
      message: 'a found guardian needs a reference',
      path: ['guardianRef'],
    })
    .refine((o) => !(o.found && o.certificateRef), {
      message: 'a failure certificate cannot accompany a found guardian',
      path: ['certificateRef'],
    }),
);

/** CN 四(三): handed to the civil affairs office of the household-registration place, and confirmed by it. */
export const escortOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('escort_to_registration_place'),
      registrationPlace: text(),
      handover: z
        .object({ receivingOffice: text(), receiverName: text(), handedOverAt: isoInstant(), documentRef: text() })
        .strict(),
      /** The receiving office's confirmation; the case closes locally only after it. */
      confirmation: z.object({ confirmedAt: isoInstant(), reference: text() }).strict(),
    })
    .strict(),
);

/** CN 四(四): what a service provided during placement. */
const serviceOutcome = <K extends string>(kind: K) =>
  z
    .object({
      kind: z.literal(kind),
      startedAt: isoInstant(),
      providedBy: text(),
      provided: text(),
    })
    .strict();

export const dailyCareOutcomeSchema = lazySchema(() => serviceOutcome('daily_care'));
export const schoolingOutcomeSchema = lazySchema(() => serviceOutcome('schooling'));
/** The women's federation gives psychological support and family-education guidance (CN 四(四)2). */
export const psychologicalSupportOutcomeSchema = lazySchema(() =>
  serviceOutcome('psychological_support').extend({
    familyEducationGuidance: z.boolean(),
  }),
);
export const medicalCareOutcomeSchema = lazySchema(() => serviceOutcome('medical_care'));
export const legalAidOutcomeSchema = lazySchema(() => serviceOutcome('legal_aid'));

/** CN 四(四)3: a petition to the court to revoke the guardian's qualification. */
export const guardianshipPetitionOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('guardianship_petition'),
      filedAt: isoInstant(),
      courtRef: text(),
    })
    .strict(),
);

/** CN 四(四)3, FT 三(三)2(5): the court revokes and designates a new guardian, or rejects the petition. */
export const courtHearingOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('court_hearing'),
      hearingDate: isoInstant(),
      judgmentRef: text(),
      decision: z.discriminatedUnion('result', [
        z
          .object({
            result: z.literal(COURT_RESULTS[0]),
            newGuardian: z.object({ name: text(), relation: text() }).strict(),
            designatedAt: isoInstant(),
            /** FT 三(一)4(2) "人民法院指定由民政部门担任监护人": the court designated civil affairs as the guardian. */
            civilAffairs: z.boolean().optional(),
          })
          .strict(),
        z.object({ result: z.literal(COURT_RESULTS[1]), reason: text() }).strict(),
      ]),
    })
    .strict(),
);

/** CN 五(一): follow-up after temporary guardianship ends. */
export const followUpVisitOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('follow_up_visit'),
      visitedAt: isoInstant(),
      childSeen: z.boolean(),
      newConcern: z.boolean(),
      /** With a new concern: the pack's concern codes it is about (the visit then files a report joined to the case). */
      concerns: z.array(z.string().min(1)).optional(),
    })
    .strict(),
);

/** FT 三(三)4: the social-work agency's later-stage assessment report. */
export const laterAssessmentOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('later_assessment'),
      submittedAt: isoInstant(),
      reportRef: text(),
      recommendation: z.enum(LATER_RECOMMENDATIONS),
    })
    .strict(),
);

/** CN 四(四)3: the police's criticism and education or written warning (告诫书) of the guardian. */
export const legalWarningOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('legal_warning'),
      step: z.enum(WARNING_STEPS),
      issuedAt: isoInstant(),
      evidenceRef: text(),
    })
    .strict(),
);

/**
 * FT 三(二)4: a missing child the police did not find at once: the rapid search goes on until the child is found or
 * the disappearance is handed to the criminal process (立案侦查).
 */
export const childSearchOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('child_search'),
      result: z.enum(CHILD_SEARCH_RESULTS),
      at: isoInstant(),
      /** Where and how the child was found (found). */
      foundWhere: text().optional(),
      /** The criminal case's file number (handed to the criminal process). */
      criminalCaseRef: text().optional(),
    })
    .strict()
    .refine((o) => o.result !== 'found' || o.foundWhere !== undefined, {
      message: 'say where the child was found',
      path: ['foundWhere'],
    })
    .refine((o) => o.result !== 'handed_to_criminal_process' || o.criminalCaseRef !== undefined, {
      message: 'the criminal case needs its file number',
      path: ['criminalCaseRef'],
    }),
);

/** CN 五(一) 及时办理社会救助、社会福利: the street office / civil affairs decides each benefit the assessment found. */
export const benefitDecisionSchema = lazySchema(() =>
  z
    .object({
      benefit: text(),
      result: z.enum(BENEFIT_APPLICATION_RESULTS),
      decidedAt: isoInstant(),
      /** The approval document (granted). */
      decisionRef: text().optional(),
      /** Why it was refused (refused). */
      reason: text().optional(),
    })
    .strict()
    .refine((d) => d.result !== 'granted' || d.decisionRef !== undefined, {
      message: 'a granted benefit needs its approval reference',
      path: ['decisionRef'],
    })
    .refine((d) => d.result !== 'refused' || d.reason !== undefined, {
      message: 'a refusal needs its reason',
      path: ['reason'],
    }),
);
export type BenefitDecisionOutcome = z.infer<ReturnType<typeof benefitDecisionSchema>>;

export const benefitApplicationOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('benefit_application'),
      decisions: z.array(benefitDecisionSchema()).min(1),
    })
    .strict(),
);

/** FT 三(一)4(2): civil affairs carries out the permanent arrangement the placement decision chose. */
export const permanentArrangementOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('permanent_arrangement'),
      arrangement: z.enum(PERMANENT_ARRANGEMENTS),
      arrangedAt: isoInstant(),
      /** Who takes the child: the relative, the foster family, the institution, the adoption agency. */
      caregiver: text(),
      documentRef: text(),
    })
    .strict(),
);

/** CN 四(一): the superior of a unit that reported late records what it did to hold the unit to account. */
export const lateReportFollowUpOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('late_report_follow_up'),
      action: z.enum(LATE_REPORT_FOLLOW_UP_ACTIONS),
      decidedAt: isoInstant(),
      note: text(),
    })
    .strict(),
);

/** FT 三(三)2(4): the procuratorate's supervision of an agency whose tasks kept running through their ladders. */
export const procuratorateSupervisionOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('procuratorate_supervision'),
      result: z.enum(SUPERVISION_RESULTS),
      decidedAt: isoInstant(),
      /** The supervision opinion's document number (supervision_opinion_issued). */
      opinionRef: text().optional(),
      note: text(),
    })
    .strict()
    .refine((o) => o.result !== 'supervision_opinion_issued' || o.opinionRef !== undefined, {
      message: 'a supervision opinion needs its document number',
      path: ['opinionRef'],
    }),
);

/** FT 三(三)4: the protection committee's review of the social-work risk grading. */
export const gradingReviewOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('grading_review'),
      decision: z.enum(GRADING_REVIEW_DECISIONS),
      reviewedAt: isoInstant(),
      /** grade_changed: the risk level the committee sets. */
      riskLevel: z.enum(RISK_LEVELS).optional(),
      /** grade_changed: the next step on the committee's grade (absent: the social workers' recommendation stands). */
      recommendation: z.enum(NEXT_STEPS).optional(),
      /** grade_changed, sent_back: the committee's reason. */
      reason: text().optional(),
    })
    .strict()
    .refine((o) => o.decision !== 'grade_changed' || o.riskLevel !== undefined, {
      message: 'a changed grade needs the committee’s risk level',
      path: ['riskLevel'],
    })
    .refine((o) => o.decision === 'accepted' || o.reason !== undefined, {
      message: 'a changed grade or a grading sent back needs the committee’s reason',
      path: ['reason'],
    }),
);

/** What the committee did about an inadequate guardianship arrangement (FT 三(一)4(1), 4(3), 三(二)2). */
export const ARRANGEMENT_RESULTS = [
  /** The entrusted caregiver was guided and now cares adequately (指导、督促). */
  'put_right',
  /** The parents entrusted another adult able to care (委托有监护能力的亲属或其他成年人). */
  'new_caregiver',
  /** A parent came back to care for the child (父母一方留家照料). */
  'parent_returned',
  /** The committee could not put it right: referred to the street office (向街乡（镇）报告). */
  'referred_to_street',
] as const;

/**
 * Issue #18: a ledger visit found the migrant parents' guardianship arrangement inadequate; the committee supervises
 * it and puts it right (FT 三(一)4(3) "劝诫、制止", 三(二)2 "督促留守儿童父母做好外出务工前子女监护安排").
 */
export const guardianshipArrangementOutcomeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal('guardianship_arrangement'),
      result: z.enum(ARRANGEMENT_RESULTS),
      /** The caregiver now responsible (required when a new one was entrusted). */
      caregiverName: text().optional(),
      /** Whether the caregiver was guided or trained (FT 三(一)4(3) 指导、培训). */
      guidanceGiven: z.boolean(),
      note: text().optional(),
    })
    .strict()
    .refine((o) => o.result !== 'new_caregiver' || o.caregiverName, {
      message: 'name the new caregiver',
      path: ['caregiverName'],
    }),
);

export const taskOutcomeSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    policeResponseOutcomeSchema(),
    urgentPlacementOutcomeSchema(),
    detentionCareOutcomeSchema(),
    jointAssessmentOutcomeSchema(),
    riskGradingOutcomeSchema(),
    monitoringVisitOutcomeSchema(),
    // The intervention (CN 四(三), 四(四), 五(一)).
    shortTermPlacementOutcomeSchema(),
    longTermPlacementOutcomeSchema(),
    guardianSearchOutcomeSchema(),
    escortOutcomeSchema(),
    dailyCareOutcomeSchema(),
    schoolingOutcomeSchema(),
    psychologicalSupportOutcomeSchema(),
    medicalCareOutcomeSchema(),
    legalAidOutcomeSchema(),
    guardianshipPetitionOutcomeSchema(),
    courtHearingOutcomeSchema(),
    followUpVisitOutcomeSchema(),
    laterAssessmentOutcomeSchema(),
    legalWarningOutcomeSchema(),
    // Issue #17: the search for a missing child goes on; benefits decided are applied for.
    childSearchOutcomeSchema(),
    benefitApplicationOutcomeSchema(),
    permanentArrangementOutcomeSchema(),
    // Issue #17 item 6: accountability for late reports (CN 四(一)) and for agencies that let tasks lapse (FT 三(三)2(4)).
    lateReportFollowUpOutcomeSchema(),
    procuratorateSupervisionOutcomeSchema(),
    // FT 三(三)4: the protection committee reviews the grading (pack 1.3.0, Fengtai).
    gradingReviewOutcomeSchema(),
    // Issue #18: the ledger's committee task.
    guardianshipArrangementOutcomeSchema(),
  ]),
);
export type TaskOutcome = z.infer<ReturnType<typeof taskOutcomeSchema>>;
/** What a caller sends (defaults not yet applied). */
export type TaskOutcomeInput = z.input<ReturnType<typeof taskOutcomeSchema>>;
export type TaskKind = TaskOutcome['kind'];
export type OutcomeOf<K extends TaskKind> = Extract<TaskOutcome, { kind: K }>;
/**
 * Every task kind, in the order of taskOutcomeSchema's options. Written out rather than read from the schema so that
 * loading this module builds no schema (contracts/lazy-schema.ts); test/unit/contracts/lazy-schemas.test.ts checks
 * that it is exactly the schema's list, and the type that every entry is a kind.
 */
export const TASK_KINDS: readonly TaskKind[] = [
  'police_response',
  'urgent_placement',
  'detention_care_arrangement',
  'joint_assessment',
  'risk_grading',
  'monitoring_visit',
  'short_term_placement',
  'long_term_placement',
  'guardian_search',
  'escort_to_registration_place',
  'daily_care',
  'schooling',
  'psychological_support',
  'medical_care',
  'legal_aid',
  'guardianship_petition',
  'court_hearing',
  'follow_up_visit',
  'later_assessment',
  'legal_warning',
  'child_search',
  'benefit_application',
  'permanent_arrangement',
  'late_report_follow_up',
  'procuratorate_supervision',
  'grading_review',
  'guardianship_arrangement',
];

export type CourtHearingOutcome = z.infer<ReturnType<typeof courtHearingOutcomeSchema>>;

/** What a caller sends (defaults not yet applied). */
export type OutcomeInputOf<K extends TaskKind> = Extract<TaskOutcomeInput, { kind: K }>;

export type ResponseKind = ConcernResponse['response'];
/** The responses of concernResponseSchema, in its order (written out like TASK_KINDS, checked by the same test). */
export const RESPONSE_KINDS: readonly ResponseKind[] = [
  'guardian_recalled',
  'care_arranged',
  'child_search',
  'violence_stopped',
  'medical_care',
];
export type CustodyKind = Custody['kind'];
/** The kinds of custodySchema, in its order (written out like TASK_KINDS, checked by the same test). */
export const CUSTODY_KINDS: readonly CustodyKind[] = [
  'remains_with_guardian',
  'handed_over',
  'protective_placement',
  'nobody_can_take',
];

export function isTaskKind(kind: string): kind is TaskKind {
  return (TASK_KINDS as readonly string[]).includes(kind);
}
