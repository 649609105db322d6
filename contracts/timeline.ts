/**
 * The case timeline in words (issue 15 item 3): business events only, each with who did it (a person's name and
 * agency, an agency, or the system acting on a rule), what, the task it concerns, and the clause when a rule acted.
 * The technical history (workflow tasks, activities, timers, search attributes) stays in the Temporal UI.
 */
import { z } from 'zod';
import { bilingual } from './common';

/** Every kind the timeline shows; the web app has words for each (web/src/i18n/timeline.ts, checked by tsc). */
export const TIMELINE_KINDS = [
  'report_filed',
  'child_file_opened',
  'late_report_finding',
  'late_report_to_superior',
  'late_report_no_superior',
  'late_dispatch_finding',
  'case_decided',
  'task_created',
  'task_to_fallback',
  'task_accepted',
  'task_completed',
  'task_declined',
  'task_withdrawn',
  'deadline_missed',
  'task_escalated',
  'ladder_exhausted',
  'legal_step_recorded',
  'legal_step_out_of_order',
  'guardian_refusal_recorded',
  'guardian_resumed_duties',
  'neglect_threshold_reached',
  'revocation_ground_recorded',
  'services_requested',
  'placement_started',
  'placement_decided',
  'placement_extended',
  'return_assessment_completed',
  'guardian_found',
  'police_certificate_recorded',
  'escort_confirmed',
  'court_decided',
  'case_closed',
  'case_reopened',
  'guardian_designated',
  'permanent_arrangement_made',
  'grading_submitted_for_review',
  'grading_accepted',
  'grade_changed',
  'grading_sent_back',
  'record_sealed',
  'record_unsealed',
  'note_added',
  'attachment_added',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const timelineWho = z.object({
  /** 'person': a signed-in user (name and agency); 'agency': an agency without a person; 'system': a rule acted. */
  kind: z.enum(['person', 'agency', 'system']),
  name: z.string().nullable(),
  agency: bilingual.nullable(),
});

export const timelineEntryView = z.object({
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  who: timelineWho,
  /** The task the event concerns: its label from the pinned pack and the agency it is with. */
  task: z.object({ label: bilingual, agency: bilingual.nullable() }).nullable(),
  /** The seed clause a rule acted on ("CN 四(四)3"), when one did. */
  clause: z.string().nullable(),
  /** Escalation rung (1 = first), or missed deadline phase. */
  rung: z.number().int().nullable(),
  phase: z.enum(['accept', 'complete']).nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntryView>;
