/**
 * Commands people record on a case (/api/v1/interventions/:caseId/…, CN 四(三), 四(四), FT 三(三)2(5)): the bodies
 * the API validates and the web app's forms send, one schema each. A command the workflow refuses answers 409/422
 * with `details.rejection`, one of INTERVENTION_REJECTIONS, and the workflow's reason (which names the clause).
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';
import { LEGAL_STEPS, REVOCATION_GROUNDS, SERVICE_KINDS } from './enums';
import { PERMANENT_ARRANGEMENTS } from './outcomes';

const text = lazySchema(() => z.string().trim().min(1));
const instant = lazySchema(() => z.iso.datetime({ offset: true }));
const evidenceRef = lazySchema(() => z.string().trim().min(1).max(200));
const reason = lazySchema(() => z.string().trim().min(2).max(2000));
/** ISO-8601 durations as the packs write them (P14D, P1M …); the same pattern as policies/duration.ts. */
const ISO_DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** What ends a placement (CN 四(三)): the decision the cap requires. An extension is its own command. */
export const placementDecisionSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    /** Back home, only after an assessment (the return assessment's task id or document). */
    z.object({ kind: z.literal('return_home'), assessmentRef: text() }).strict(),
    /** Short-term → medium/long-term guardianship in a child welfare institution (needs the police certificate). */
    z.object({ kind: z.literal('move_to_long_term') }).strict(),
    /** A non-local child: escort to the civil affairs office of the registration place. */
    z.object({ kind: z.literal('escort_to_registration_place'), registrationPlace: text() }).strict(),
    /** Handed to the guardian the court designated after revoking the old one (CN 四(四)3). */
    z.object({ kind: z.literal('new_guardian'), courtRef: text() }).strict(),
    /** FT 三(一)4(2): a permanent arrangement; civil affairs carries it out (a permanent_arrangement task, issue #17). */
    z
      .object({
        kind: z.literal('permanent_arrangement'),
        arrangement: z.enum(PERMANENT_ARRANGEMENTS),
        /** The court's judgment designating civil affairs (civil_affairs_guardianship). */
        courtRef: text().optional(),
      })
      .strict(),
  ]),
);
export type PlacementDecision = z.infer<ReturnType<typeof placementDecisionSchema>>;
export const PLACEMENT_DECISION_KINDS = [
  'return_home',
  'move_to_long_term',
  'escort_to_registration_place',
  'new_guardian',
] as const;

export const legalStepBody = lazySchema(() =>
  z.strictObject({ step: z.enum(LEGAL_STEPS), evidenceRef: evidenceRef(), occurredAt: instant() }),
);
export const guardianRefusalBody = lazySchema(() =>
  z.strictObject({
    since: instant(),
    evidenceRef: evidenceRef(),
    childWithoutMeansOfLiving: z.boolean(),
  }),
);
export const guardianResumedBody = lazySchema(() => z.strictObject({ at: instant(), evidenceRef: evidenceRef() }));
export const revocationGroundBody = lazySchema(() =>
  z.strictObject({
    ground: z.enum(REVOCATION_GROUNDS),
    evidenceRef: evidenceRef(),
    petitioner: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional(),
  }),
);
export const servicesBody = lazySchema(() =>
  z.strictObject({
    services: z.array(z.enum(SERVICE_KINDS)).min(1).max(SERVICE_KINDS.length),
  }),
);
export const closureBody = lazySchema(() => z.strictObject({ reason: reason() }));
/** A coordinator reopens a closed case, with the reason (the same workflow carries on). */
export const reopenBody = lazySchema(() => z.strictObject({ reason: reason() }));
/** FT 三(三)2(5): the court seals (or unseals) the child's juvenile record, citing its decision. */
export const recordSealBody = lazySchema(() =>
  z.strictObject({ sealed: z.boolean(), courtRef: evidenceRef(), reason: reason() }),
);

export const placementDecisionBody = lazySchema(() =>
  z.strictObject({ decision: placementDecisionSchema(), reason: reason().optional() }),
);
export const extensionBody = lazySchema(() =>
  z.strictObject({
    reason: reason(),
    extendBy: z.string().regex(ISO_DURATION, 'must be an ISO-8601 duration such as P14D'),
  }),
);
export const policeCertificateBody = lazySchema(() =>
  z.strictObject({ certificateRef: evidenceRef(), issuedAt: instant() }),
);

export const commandAccepted = lazySchema(() => z.object({ ok: z.literal(true) }));

export type LegalStepBody = z.input<ReturnType<typeof legalStepBody>>;
export type GuardianRefusalBody = z.input<ReturnType<typeof guardianRefusalBody>>;
export type GuardianResumedBody = z.input<ReturnType<typeof guardianResumedBody>>;
export type RevocationGroundBody = z.input<ReturnType<typeof revocationGroundBody>>;
export type ServicesBody = z.input<ReturnType<typeof servicesBody>>;
export type ClosureBody = z.input<ReturnType<typeof closureBody>>;
export type ReopenBody = z.input<ReturnType<typeof reopenBody>>;
export type RecordSealBody = z.input<ReturnType<typeof recordSealBody>>;
export type PlacementDecisionBody = z.input<ReturnType<typeof placementDecisionBody>>;
export type ExtensionBody = z.input<ReturnType<typeof extensionBody>>;
export type PoliceCertificateBody = z.input<ReturnType<typeof policeCertificateBody>>;

/** The workflow's refusals of a command (workflows/failures.ts InterventionRejection), as `details.rejection`. */
export const INTERVENTION_REJECTIONS = [
  'PlacementEnded',
  'NoPoliceCertificate',
  'NotCoordinator',
  'WrongAgency',
  'InvalidCommand',
  'IllegalLegalStep',
  'NotLegalStepRecorder',
  'NeglectClockRunning',
  'NeglectClockNotRunning',
  'GroundNotMet',
  'UnknownPetitioner',
  'CaseNotClosable',
  'CaseClosed',
  'CaseNotClosed',
  'NoCourtDesignation',
  'ArrangementNotAllowed',
] as const;
export type InterventionRejectionCode = (typeof INTERVENTION_REJECTIONS)[number];
