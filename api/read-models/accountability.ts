/**
 * Accountability tasks as the API shows them (issue #17 item 6): what a follow-up or a referral is about, with the
 * agencies by name, and the procuratorate's list of referrals (FT 三(三)2(4)) from the task projection.
 */
import type { ReferralView, TaskSubjectView } from '../../contracts/tasks';
import type { PolicyPack } from '../../policies/schema';
import { apiTaskStatus, TaskModel, type TaskRecord } from '../../models/task';
import type { TaskSubject } from '../../workflows/definitions';
import { namesFor } from './names';
import { taskLabel } from './policy-lookup';
import { isOverdue } from './tasks';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function asSubject(value: unknown): TaskSubject | undefined {
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  return kind === 'late_report' || kind === 'ladder_exhaustion' ? (value as TaskSubject) : undefined;
}

/** The task's subject with the agencies named; nothing for a task that has none. */
export async function subjectView(raw: unknown, pack: PolicyPack | undefined): Promise<{ subject?: TaskSubjectView }> {
  const subject = asSubject(raw);
  if (!subject) return {};
  if (subject.kind === 'late_report') {
    const names = await namesFor([subject.againstUnitId], []);
    const { againstUnitId, ...rest } = subject;
    return { subject: { ...rest, againstUnit: names.agency(againstUnitId) } };
  }
  const names = await namesFor([subject.againstAgencyId], []);
  const { againstAgencyId, exhaustions, ...rest } = subject;
  return {
    subject: {
      ...rest,
      againstAgency: names.agency(againstAgencyId),
      exhaustions: exhaustions.map((e) => ({
        taskId: e.taskId,
        kind: e.kind,
        label: taskLabel(pack, e.kind),
        phase: e.phase,
        at: e.at,
      })),
    },
  };
}

/** My procuratorate's supervision referrals, newest first (at most 500). */
export async function listReferrals(agencyCode: string, now: Date): Promise<{ items: ReferralView[]; total: number }> {
  const tasks = await TaskModel.find({ agencyCode, kind: 'procuratorate_supervision' })
    .sort({ openedAt: -1 })
    .limit(500)
    .lean<TaskRecord[]>()
    .exec();
  const subjects = tasks.map((t) => asSubject(t.subject));
  const names = await namesFor(
    subjects.flatMap((s) => (s?.kind === 'ladder_exhaustion' ? [s.againstAgencyId] : [])),
    [],
  );
  const items = tasks.map((t, i): ReferralView => {
    const subject = subjects[i];
    const status = apiTaskStatus(t.status);
    const exhaustion = subject?.kind === 'ladder_exhaustion' ? subject : undefined;
    return {
      taskId: t.taskId,
      status,
      openedAt: iso(t.openedAt),
      completeBy: iso(t.completeDueAt),
      overdue: isOverdue(status, t.acceptDueAt, t.completeDueAt, now),
      againstAgency: names.agency(exhaustion?.againstAgencyId),
      exhaustedTasks: exhaustion?.exhaustions.length ?? 0,
      period: exhaustion?.period ?? '',
      ...(t.outcome?.code ? { outcome: { code: t.outcome.code, note: t.outcome.note ?? '' } } : {}),
    };
  });
  return { items, total: items.length };
}
