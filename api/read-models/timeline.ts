/**
 * A case's timeline in words (issue 15 item 3), built from the audit log of the case and of its tasks: business events
 * only, each with who did it (a person's name and agency; an agency; or the system acting on a rule), what, the task
 * it concerns and the clause a rule acted on. Reads of the file, sign-ins and the workflow's own bookkeeping are not
 * events in the case: the technical history stays in the Temporal UI, the access trail in the audit log.
 *
 * Every audit action is classified here once: shown as a kind of contracts/timeline.ts, or hidden (an access, or the
 * same event recorded a second time by another workflow or by the API). test/unit/api/timeline.test.ts scans the
 * source for audit actions and fails on any this file does not classify.
 */
import type { Types } from 'mongoose';
import { AgencyModel } from '../../models/agency';
import { AuditEventModel, type AuditEventRecord } from '../../models/audit-event';
import { TaskModel } from '../../models/task';
import { UserModel } from '../../models/user';
import { TASK_KINDS } from '../../contracts/outcomes';
import type { Bilingual } from '../../contracts/common';
import type { TimelineEntry, TimelineKind } from '../../contracts/timeline';
import { taskLabel, type pinnedPack } from './policy-lookup';

type Pack = ReturnType<typeof pinnedPack>;

/** Audit action → timeline kind, for the actions recorded by the case's own workflow (actor id = the case id). */
const CASE_WORKFLOW_KINDS: Readonly<Record<string, TimelineKind>> = {
  report_filed: 'report_filed',
  late_report_finding: 'late_report_finding',
  // CN 四(一): the late unit's superior is asked to hold it to account (or none is on file).
  late_report_to_superior: 'late_report_to_superior',
  late_report_no_superior: 'late_report_no_superior',
  late_dispatch_finding: 'late_dispatch_finding',
  case_decided: 'case_decided',
  task_to_fallback: 'task_to_fallback',
  legal_step_recorded: 'legal_step_recorded',
  legal_step_out_of_order: 'legal_step_out_of_order',
  guardian_refusal_recorded: 'guardian_refusal_recorded',
  guardian_resumed_duties: 'guardian_resumed_duties',
  neglect_threshold_reached: 'neglect_threshold_reached',
  revocation_ground_recorded: 'revocation_ground_recorded',
  services_requested: 'services_requested',
  placement_started: 'placement_started',
  return_assessment_completed: 'return_assessment_completed',
  guardian_found: 'guardian_found',
  police_certificate_recorded: 'police_certificate_recorded',
  escort_confirmed: 'escort_confirmed',
  court_decided: 'court_decided',
  case_closed: 'case_closed',
  case_reopened: 'case_reopened',
  guardian_designated: 'guardian_designated',
  permanent_arrangement_made: 'permanent_arrangement_made',
  // FT 三(三)4: the protection committee's review of the grading.
  risk_grading_submitted: 'grading_submitted_for_review',
  risk_grading_accepted: 'grading_accepted',
  risk_grade_changed: 'grade_changed',
  risk_grading_sent_back: 'grading_sent_back',
};

/** Audit action → kind, for the actions of a task's (or placement's) own workflow: the task's life. */
const TASK_WORKFLOW_KINDS: Readonly<Record<string, TimelineKind>> = {
  task_created: 'task_created',
  task_accepted: 'task_accepted',
  task_completed: 'task_completed',
  task_declined: 'task_declined',
  task_withdrawn: 'task_withdrawn',
  deadline_missed: 'deadline_missed',
  task_escalated: 'task_escalated',
  // FT 三(三)2(4): the task ran through its whole ladder; it counts towards the agency's referral.
  ladder_exhausted: 'ladder_exhausted',
};

/** Audit action → kind, for what a person did through the API or the intake. */
const PERSON_KINDS: Readonly<Record<string, TimelineKind>> = {
  'child_file.created_by_report': 'child_file_opened',
  'child_file.created_by_detention_notice': 'child_file_opened',
  'case.placement.decision': 'placement_decided',
  'case.placement.extension': 'placement_extended',
  'case_note.added': 'note_added',
  'case_note.amended': 'note_added',
  'attachment.added': 'attachment_added',
  'child_file.sealed': 'record_sealed',
  'child_file.unsealed': 'record_unsealed',
};

/**
 * Recorded but not shown: accesses (the audit log shows them), and events the timeline already shows from another
 * source — the case workflow's copies of its tasks' own events, the API's record of a command whose workflow event
 * carries the clause (its person is taken over: see PERSON_OF_COMMAND), a report added to a file already open.
 */
export const HIDDEN_ACTIONS: ReadonlySet<string> = new Set([
  'child_file.read',
  'child.id_number_revealed',
  'child.merged',
  'audit.read',
  'auth.login',
  'auth.logout',
  'temporal_payload.decoded',
  'temporal_payload.decode_refused',
  'report.filed',
  'detention_notice.filed',
  'child_file.report_added',
  'child_file.detention_notice_added',
  'report_joined_case',
  'task_opened',
  'task_assigned',
  'case_note.read',
  'attachment.read',
  'case.summary_printed',
  'case.legal-steps',
  'case.guardian-refusals',
  'case.guardian-resumptions',
  'case.revocation-grounds',
  'case.services',
  'case.closure',
  'case.reopen',
  'case.placement.police-certificate',
  // Issue #18: the ledger's own events (enrolment, changes, transfers, visits, a missed visit's notice) are shown on
  // the child's ledger page (/ledger/:childId), not on a case's timeline.
  'ledger.enrolled',
  'ledger.updated',
  'ledger.transferred',
  'ledger.visit_recorded',
  'ledger_visit_missed',
  // A school's screening import and the reading of its results: the import's own record, not a case's events (a row
  // that became a report reaches the case as that report).
  'screening.imported',
  'screening.results_read',
]);

/** The API's record of a command → the workflow event it caused, which takes the person from it. */
const PERSON_OF_COMMAND: Readonly<Record<string, string>> = {
  'case.legal-steps': 'legal_step_recorded',
  'case.guardian-refusals': 'guardian_refusal_recorded',
  'case.guardian-resumptions': 'guardian_resumed_duties',
  'case.revocation-grounds': 'revocation_ground_recorded',
  'case.services': 'services_requested',
  'case.closure': 'case_closed',
  'case.reopen': 'case_reopened',
  'case.placement.police-certificate': 'police_certificate_recorded',
};
const COMMAND_MATCH_MS = 5 * 60_000;

/** A task kind's outcome as the case workflow records it (`schooling_recorded`): the task's completion shows it. */
const isOutcomeCopy = (action: string) =>
  action.endsWith('_recorded') && (TASK_KINDS as readonly string[]).includes(action.slice(0, -'_recorded'.length));

export type Classification = { shown: TimelineKind } | { hidden: true } | { unknown: true };

/** How the timeline treats an audit action recorded by `source`. */
export function classifyAction(action: string, source: 'case' | 'task' | 'person'): Classification {
  const table = source === 'case' ? CASE_WORKFLOW_KINDS : source === 'task' ? TASK_WORKFLOW_KINDS : PERSON_KINDS;
  const kind = table[action];
  if (kind) return { shown: kind };
  // A refused command changed nothing in the case: the audit log keeps the attempt (`case.legal-steps.refused`).
  // Sign-ins and account changes are about people, not cases; exports of lists are not about one case.
  if (
    HIDDEN_ACTIONS.has(action) ||
    isOutcomeCopy(action) ||
    action.endsWith('.refused') ||
    /^(auth|account|user)\./.test(action) ||
    action.endsWith('.export')
  )
    return { hidden: true };
  // The case workflow's own copy of a task event (the task's workflow records it with more detail).
  if (source === 'case' && TASK_WORKFLOW_KINDS[action]) return { hidden: true };
  return { unknown: true };
}

export interface TimelineDirectory {
  users: ReadonlyMap<string, { name: string; agencyCode: string }>;
  agencies: ReadonlyMap<string, Bilingual>;
  tasks: ReadonlyMap<string, { kind: string; agencyCode: string }>;
  pack: Pack;
}

type Details = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

function sourceOf(e: AuditEventRecord, caseId: string): 'case' | 'task' | 'person' {
  if (e.actor?.kind !== 'workflow') return 'person';
  return e.actor.id === caseId ? 'case' : 'task';
}

/** The person a workflow event names (the user who acted, approved or recorded it). */
function personIdOf(e: AuditEventRecord): string | undefined {
  if (e.actor?.kind === 'user') return e.actor.id;
  const d = (e.details ?? {}) as Details;
  return str(d.userId) ?? str(d.by) ?? str(d.approvedBy);
}

/** Users, agencies and tasks the events name, loaded once per timeline. */
export async function loadDirectory(caseId: string, events: readonly AuditEventRecord[], pack: Pack) {
  const userIds = new Set<string>();
  const agencyCodes = new Set<string>();
  for (const e of events) {
    const person = personIdOf(e);
    if (person && /^[0-9a-f]{24}$/i.test(person)) userIds.add(person);
    const d = (e.details ?? {}) as Details;
    for (const key of ['agencyId', 'reporterUnitId', 'againstUnitId', 'siteAgencyId']) {
      const code = str(d[key]);
      if (code) agencyCodes.add(code);
    }
  }
  const [users, tasks] = await Promise.all([
    userIds.size
      ? UserModel.find({ _id: { $in: [...userIds] } }, { displayName: 1, agencyCode: 1 })
          .lean<Array<{ _id: Types.ObjectId; displayName: string; agencyCode: string }>>()
          .exec()
      : [],
    TaskModel.find({ caseWorkflowId: caseId }, { taskId: 1, kind: 1, agencyCode: 1 })
      .lean<Array<{ taskId: string; kind?: string; agencyCode?: string }>>()
      .exec(),
  ]);
  for (const u of users) agencyCodes.add(u.agencyCode);
  for (const t of tasks) if (t.agencyCode) agencyCodes.add(t.agencyCode);
  const agencies = agencyCodes.size
    ? await AgencyModel.find({ code: { $in: [...agencyCodes] } }, { code: 1, name: 1 })
        .lean<Array<{ code: string; name: Bilingual }>>()
        .exec()
    : [];
  return {
    users: new Map(users.map((u) => [String(u._id), { name: u.displayName, agencyCode: u.agencyCode }])),
    agencies: new Map(agencies.map((a) => [a.code, { zh: a.name.zh, en: a.name.en }])),
    tasks: new Map(tasks.map((t) => [t.taskId, { kind: t.kind ?? '', agencyCode: t.agencyCode ?? '' }])),
    pack,
  } satisfies TimelineDirectory;
}

/** The timeline of a case from its audit events (any order), oldest first. */
export function timelineOf(
  caseId: string,
  events: readonly AuditEventRecord[],
  dir: TimelineDirectory,
  onUnknown: (action: string) => void = () => undefined,
): TimelineEntry[] {
  const agencyName = (code: string | undefined): Bilingual | null =>
    code ? (dir.agencies.get(code) ?? { zh: '未登记单位', en: 'Unlisted agency' }) : null;
  const person = (userId: string | undefined): TimelineEntry['who'] | undefined => {
    const user = userId ? dir.users.get(userId) : undefined;
    return user ? { kind: 'person', name: user.name, agency: agencyName(user.agencyCode) } : undefined;
  };
  const sorted = [...events].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  // The API's records of commands, to name the person behind the workflow event they caused.
  const commands = sorted.filter((e) => e.actor?.kind === 'user' && PERSON_OF_COMMAND[e.action]);
  const claimed = new Set<AuditEventRecord>();
  const commandPerson = (e: AuditEventRecord) => {
    const at = new Date(e.at).getTime();
    const match = commands.find(
      (c) =>
        !claimed.has(c) &&
        PERSON_OF_COMMAND[c.action] === e.action &&
        Math.abs(new Date(c.at).getTime() - at) <= COMMAND_MATCH_MS,
    );
    if (!match) return undefined;
    claimed.add(match);
    return person(match.actor?.id);
  };

  const entries: TimelineEntry[] = [];
  for (const e of sorted) {
    const source = sourceOf(e, caseId);
    const c = classifyAction(e.action, source);
    if (!('shown' in c)) {
      if ('unknown' in c) onUnknown(e.action);
      continue;
    }
    const d = (e.details ?? {}) as Details;
    // The task: the event's own workflow for a task's events, else the task the details name.
    const taskId = source === 'task' ? e.actor?.id : str(d.taskId);
    const task = taskId ? dir.tasks.get(taskId) : undefined;
    const taskKind = task?.kind || str(d.kind);
    const taskAgency = task?.agencyCode || (source === 'task' ? str(d.agencyId) : undefined);

    let who: TimelineEntry['who'] | undefined = person(personIdOf(e)) ?? commandPerson(e);
    if (!who && c.shown === 'report_filed')
      who = { kind: 'agency', name: null, agency: agencyName(str(d.reporterUnitId)) };
    if (!who && (c.shown === 'task_accepted' || c.shown === 'task_completed' || c.shown === 'task_declined'))
      who = { kind: 'agency', name: null, agency: agencyName(str(d.agencyId) ?? taskAgency) };
    who ??= { kind: 'system', name: null, agency: null };

    const phase = str(d.phase);
    entries.push({
      at: new Date(e.at).toISOString(),
      kind: c.shown,
      who,
      task: taskKind ? { label: taskLabel(dir.pack, taskKind), agency: agencyName(taskAgency) } : null,
      clause: e.reason && /^(CN|FT)\s/.test(e.reason) ? e.reason : null,
      rung: c.shown === 'task_escalated' ? int(d.rung) : null,
      phase: phase === 'accept' || phase === 'complete' ? phase : null,
    });
  }
  return entries;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Audit events of the case and of its tasks (task ids are `<caseId>/task-…`), newest `limit`. */
export async function caseAuditEvents(caseId: string, limit = 1000): Promise<AuditEventRecord[]> {
  return AuditEventModel.find({
    $or: [{ caseWorkflowId: caseId }, { caseWorkflowId: { $regex: `^${escapeRegex(caseId)}/` } }],
  })
    .sort({ at: -1 })
    .limit(limit)
    .lean<AuditEventRecord[]>()
    .exec();
}

/** The case's timeline as the case page shows it. */
export async function caseTimeline(
  caseId: string,
  pack: Pack,
  onUnknown?: (action: string) => void,
): Promise<TimelineEntry[]> {
  const events = await caseAuditEvents(caseId);
  return timelineOf(caseId, events, await loadDirectory(caseId, events, pack), onUnknown);
}
