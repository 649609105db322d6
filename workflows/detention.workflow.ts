/**
 * CN 三(四), FT 三(一)4(2): police detaining an adult ask whether that person has minor children needing entrusted
 * care, and help arrange it. A detention notice is its own small workflow (id detentionWorkflowId(noticeId)), not an
 * entry into a case: the child may have no case, and the arrangement task is the same agency task used everywhere.
 * It opens one detention_care_arrangement task per child who needs care and ends when all are closed.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  executeChild,
  patched,
  setHandler,
  startChild,
} from '@temporalio/workflow';
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
import { placementWorkflowId, type PlacementInput } from './intervention.definitions';
import { placementWorkflow } from './placement.workflow';
import { recordDetainedPersonsChildren } from './proxies';

/** Workflows started before detention placements existed replay without them. */
export const DETENTION_PLACEMENT_PATCH = 'detention-placement';

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
  const streetOffice = input.agencies.street_office ?? agencyId;
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
      if (
        result.status === 'completed' &&
        result.outcome.kind === kind &&
        result.outcome.arrangement === 'placed_by_street_office' &&
        patched(DETENTION_PLACEMENT_PATCH)
      ) {
        // CN 三(四), FT 三(一)4(2): a child nobody can be entrusted with is placed by the street office, and that is a
        // short-term temporary guardianship with its cap, reminders and overrun escalation (CN 四(三)).
        const cap = pack.placement.shortTermCap;
        const placement: PlacementInput = {
          placementId: placementWorkflowId(ownerWorkflowId, i + 1, 'short_term'),
          ownerWorkflowId,
          term: 'short_term',
          startedAt: result.closedAt,
          agencyId: streetOffice,
          siteAgencyId: streetOffice,
          policeAgencyIds: [input.detainingAgencyId],
          cap,
          remindBefore: pack.placement.remindBefore,
          overrunEscalationEvery: pack.placement.overrunEscalationEvery,
          pack: { id: input.pack.id, version: input.pack.version },
        };
        await startChild(placementWorkflow, {
          workflowId: placement.placementId,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [placement],
        });
        return { childId: child.childId, taskId, result, placementId: placement.placementId };
      }
      return { childId: child.childId, taskId, result };
    }),
  );
  return { noticeId: input.noticeId, arrangements };
}
