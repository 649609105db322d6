/**
 * The catalogue of ChildSafe's domain failures: every `ApplicationFailure.type` a workflow rejects a command with, and
 * every failure type an activity raises that no retry can cure. One module, pure (no imports), so the workflows, the
 * activities and the API all name a failure the same way: the workflows list the non-retryable types on their
 * activity proxies (workflows/activities.ts), and the API maps the rejection types to HTTP statuses.
 */

/** Rejected task commands (agency-task workflow update validators); the API maps them to 404/409/422. */
export const TaskRejection = {
  TaskClosed: 'TaskClosed',
  TaskNotAccepted: 'TaskNotAccepted',
  TaskAlreadyAccepted: 'TaskAlreadyAccepted',
  WrongAgency: 'WrongAgency',
  OutcomeKindMismatch: 'OutcomeKindMismatch',
  InvalidOutcome: 'InvalidOutcome',
  ConcernNotAddressed: 'ConcernNotAddressed',
} as const;
export type TaskRejection = (typeof TaskRejection)[keyof typeof TaskRejection];

/** Rejected intervention commands (case and placement update validators); the API maps them to 403/404/409/422. */
export const InterventionRejection = {
  PlacementEnded: 'PlacementEnded',
  NoPoliceCertificate: 'NoPoliceCertificate',
  NotCoordinator: 'NotCoordinator',
  WrongAgency: 'WrongAgency',
  InvalidCommand: 'InvalidCommand',
  IllegalLegalStep: 'IllegalLegalStep',
  /** CN 四(四)3: the caller's agency is not one the pack names for this rung (police; judicial transfer also the procuratorate). */
  NotLegalStepRecorder: 'NotLegalStepRecorder',
  NeglectClockRunning: 'NeglectClockRunning',
  NeglectClockNotRunning: 'NeglectClockNotRunning',
  GroundNotMet: 'GroundNotMet',
  UnknownPetitioner: 'UnknownPetitioner',
  CaseNotClosable: 'CaseNotClosable',
  CaseClosed: 'CaseClosed',
  /** Reopening a case that is not closed. */
  CaseNotClosed: 'CaseNotClosed',
  /** CN 四(四)3, FT 三(一)4(2): the decision needs the court's revocation and designation, and none is recorded. */
  NoCourtDesignation: 'NoCourtDesignation',
  /** FT 三(一)4(2): a permanent arrangement for a child whose parents were neither revoked nor certified not found. */
  ArrangementNotAllowed: 'ArrangementNotAllowed',
} as const;
export type InterventionRejection = (typeof InterventionRejection)[keyof typeof InterventionRejection];

/** A case or detention workflow that cannot run at all (its pinned pack or directory lacks what it needs). */
export const CaseFailure = {
  UnknownTaskKind: 'UnknownTaskKind',
  NoResponsibleAgency: 'NoResponsibleAgency',
  ReportForAnotherChild: 'ReportForAnotherChild',
} as const;
export type CaseFailure = (typeof CaseFailure)[keyof typeof CaseFailure];

/** What the notify activity fails with (activities/notification-delivery.ts). */
export const NotificationFailure = {
  Permanent: 'PermanentDeliveryFailure',
  Temporary: 'TemporaryDeliveryFailure',
  InProgress: 'DeliveryInProgress',
  InvalidEvent: 'InvalidNotificationEvent',
} as const;
export type NotificationFailure = (typeof NotificationFailure)[keyof typeof NotificationFailure];

/**
 * Failures of the records activities (a child's file, a report) that depend on the input or the stored data, not on
 * a server being reachable, so every retry would fail the same way. An error thrown in an activity travels as an
 * ApplicationFailure whose type is the error's class name: these are the class names in models/ and mongoose's.
 */
export const RecordFailure = {
  MissingIdentity: 'MissingIdentityError',
  ChildNotFound: 'ChildNotFoundError',
  ChildMerge: 'ChildMergeError',
  IdentityCiphertext: 'IdentityCiphertextError',
  AppendOnly: 'AppendOnlyError',
  /** mongoose: a document that fails its schema. */
  Validation: 'ValidationError',
  /** mongoose: a value of the wrong type for its path. */
  Cast: 'CastError',
} as const;
export type RecordFailure = (typeof RecordFailure)[keyof typeof RecordFailure];

/** Decoding a payload under a key id the worker does not hold (common/codec.ts). */
export const CodecFailure = {
  PayloadKeyUnknown: 'PayloadKeyUnknown',
} as const;

/**
 * The non-retryable failure types of each activity proxy. Everything else (a database or mail relay briefly down, a
 * timeout) is retried with backoff until it heals.
 * - notify: a malformed event or a recipient refused for good is not cured by sending again; the workflows log it and
 *   go on (a notice never fails a case or a task: its deadlines still escalate).
 * - records: intake and detention fail visibly (the submission stays in the workflow's history for an operator)
 *   instead of retrying for ever in silence.
 * - projection: none. The read model only ever heals by retrying, and a case must never fail because its projection
 *   could not be written; a projection bug is fixed by a deploy and the pending retry then succeeds.
 */
export const NON_RETRYABLE = {
  notify: [NotificationFailure.InvalidEvent, NotificationFailure.Permanent],
  records: Object.values(RecordFailure),
  projection: [],
} as const satisfies Record<string, readonly string[]>;
