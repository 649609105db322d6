/**
 * CN 三(四), FT 三(一)4(2): police detaining an adult ask whether that person has minor children needing entrusted
 * care, and help arrange it. A detention notice is its own small workflow (id detentionWorkflowId(noticeId)), not an
 * entry into a case: the child may have no case, and the arrangement task is the same agency task used everywhere.
 * It opens one detention_care_arrangement task per child who needs care and ends when all are closed.
 */
import { ApplicationFailure, executeChild, setHandler } from '@temporalio/workflow';
import { agencyTaskWorkflow } from './agency-task.workflow';
import { nowIso } from './clocks';
import {
  CaseFailure,
  detentionNoticeStatusQuery,
  detentionWorkflowId,
  taskWorkflowId,
  type DetentionNoticeInput,
  type DetentionNoticeResult,
} from './definitions';
import { resolvePack } from './packs';
import { recordDetainedPersonsChildren } from './proxies';

export async function detentionNoticeWorkflow(input: DetentionNoticeInput): Promise<DetentionNoticeResult> {
  const kind = 'detention_care_arrangement' as const;
  const pack = resolvePack(input.pack);
  const rule = pack.taskKinds[kind];
  if (!rule) {
    throw ApplicationFailure.create({
      message: `pack ${input.pack.id} has no ${kind} task kind`,
      type: CaseFailure.UnknownTaskKind,
      nonRetryable: true,
    });
  }
  const agencyId = input.agencies[rule.agencyType] ?? input.agencies.street_office;
  if (!agencyId) {
    throw ApplicationFailure.create({
      message: `no responsible ${rule.agencyType}`,
      type: CaseFailure.NoResponsibleAgency,
      nonRetryable: true,
    });
  }
  const ownerWorkflowId = detentionWorkflowId(input.noticeId);
  // Notices filed through the API name the children as known; their files are found or opened first (audited).
  const recorded =
    input.children && input.children.length > 0
      ? await recordDetainedPersonsChildren({ noticeId: input.noticeId, children: input.children, place: input.place })
      : [];
  const needing = [...input.minorChildren, ...recorded].filter((c) => c.needsEntrustedCare);
  const openTaskIds = needing.map((_, i) => taskWorkflowId(ownerWorkflowId, kind, i + 1));
  const closedTaskIds: string[] = [];
  setHandler(detentionNoticeStatusQuery, () => ({
    noticeId: input.noticeId,
    openTaskIds: openTaskIds.filter((id) => !closedTaskIds.includes(id)),
    closedTaskIds,
  }));

  const createdAt = nowIso();
  const arrangements = await Promise.all(
    needing.map(async (child, i) => {
      const taskId = openTaskIds[i];
      const result = await executeChild(agencyTaskWorkflow, {
        workflowId: taskId,
        args: [
          {
            taskId,
            ownerWorkflowId,
            reportToOwner: false,
            kind,
            agencyId,
            collaboratingAgencyIds: [input.detainingAgencyId],
            concerns: [],
            createdAt,
            rule,
            ladder: pack.escalationLadders[rule.ladder],
            pack: { id: input.pack.id, version: input.pack.version },
          },
        ],
      });
      closedTaskIds.push(taskId);
      return { childId: child.childId, taskId, result };
    }),
  );
  return { noticeId: input.noticeId, arrangements };
}
