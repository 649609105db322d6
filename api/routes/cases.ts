/**
 * Cases: the list from the projection within the caller's scope (coordinators: their jurisdiction; agency roles: the
 * cases their agency has a task on), and one case with its live status (stage, open tasks, clocks with the clause
 * each enforces, escalations, findings), the child's file within scope (audited) and a timeline merged from the
 * workflow history and the audit log. Reporters and administrators see no case (403); a case outside scope is 404.
 */
import type { Client } from '@temporalio/client';
import type { Request, RequestHandler, Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { CaseRecord } from '../../models/case';
import { findCaseInScope } from '../../models/case-repository';
import { caseStatusQuery, taskStatusQuery, type EscalationRecord, type Finding } from '../../workflows/definitions';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { CASE_WORKER_ROLES } from '../auth/roles';
import { scopeOf } from '../auth/scope';
import {
  CASE_LIST_COUNT_CAP,
  caseIdParams,
  caseListQuery,
  caseSummary,
  caseSummaryQuery,
  caseView,
} from '../../contracts/cases';
import { createApiRouter } from '../http/api-router';
import { caseFiltersOf, caseListFilter, listCases, overdueTasksByCase, tasksOfCase } from '../read-models/cases';
import { buildCockpit, tasksOfState } from '../read-models/cockpit';
import { namesFor, streetNames } from '../read-models/names';
import type { DecidedByRules } from '../../activities/projection';
import { decidedOf } from '../../workflows/decided';
import type { InterventionState } from '../../workflows/intervention.definitions';
import { accessPurpose, findChild, fullChildFields, recordChildRead } from '../read-models/child-file';
import { queryLive } from '../read-models/live';
import { pinnedPack, taskLabel } from '../read-models/policy-lookup';
import { apiTaskStatus, caseScopeOf } from '../read-models/tasks';
import { caseTimeline } from '../read-models/timeline';

type AttentionReason = NonNullable<z.input<typeof caseSummary>['attention']>['reason'];

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function summaryOf(
  c: CaseRecord,
  overdueTasks: number,
  streets?: Map<string, { zh: string; en: string }>,
): z.input<typeof caseSummary> {
  const streetCode = c.jurisdiction?.streetCode ?? undefined;
  const streetName = streetCode ? streets?.get(streetCode) : undefined;
  return {
    caseId: c.workflowId,
    caseNumber: c.caseNumber ?? c.workflowId,
    stage: c.stage ?? 'awaiting_report',
    risk: c.riskLevel ?? 'unassessed',
    districtCode: c.jurisdiction?.districtCode ?? '',
    ...(streetCode ? { streetCode } : {}),
    ...(streetName ? { streetName } : {}),
    categories: c.categories ?? [],
    categoryLabels: (c.categories ?? []).map((code) => {
      const rule = pinnedPack(c.policyPackId, c.policyPackVersion)?.categories.find((k) => k.code === code);
      return rule?.label ?? { zh: code, en: code };
    }),
    multipleDifficulty: c.multipleDifficulty ?? false,
    openTasks: c.openTaskIds?.length ?? c.openTaskCount ?? 0,
    nextDeadline: iso(c.nextDeadline),
    overdueTasks,
    ...(c.attention?.reason && c.attention.since
      ? { attention: { reason: c.attention.reason as AttentionReason, since: c.attention.since.toISOString() } }
      : {}),
  };
}

export interface CaseRouterDependencies {
  temporal: Client;
  authenticate: RequestHandler;
  audit: AuditSink;
  /** Told of an audit action the timeline does not classify (it is left out; see api/read-models/timeline.ts). */
  logger?: Pick<Logger, 'warn'>;
  now?: () => Date;
}

export function createCaseRouter(deps: CaseRouterDependencies): Router {
  const api = createApiRouter({ tag: 'cases', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  api.route(
    {
      method: 'get',
      path: '/',
      summary: 'Cases within my scope, soonest deadline first, with filters',
      roles: CASE_WORKER_ROLES,
      request: { query: caseListQuery },
      response: {
        status: 200,
        description: 'One page of cases',
        schema: z.object({
          items: z.array(caseSummary),
          total: z.number().int(),
          totalCapped: z
            .boolean()
            .describe(`true: more than \`total\` cases match (the count stops at ${CASE_LIST_COUNT_CAP})`),
          page: z.number().int(),
        }),
      },
    },
    async ({ actor, query }) => {
      const at = now();
      const filter = caseListFilter(scopeOf(actor), caseFiltersOf(query), at);
      const { items, total, totalCapped } = await listCases(filter, { page: query.page, limit: query.limit });
      const [overdue, streets] = await Promise.all([
        overdueTasksByCase(
          items.map((c) => c.workflowId),
          at,
        ),
        streetNames(items.map((c) => c.jurisdiction?.districtCode ?? '')),
      ]);
      return {
        items: items.map((c) => summaryOf(c, overdue.get(c.workflowId) ?? 0, streets)),
        total,
        totalCapped,
        page: query.page,
      };
    },
  );

  /** One case as its caller may see it; reading the child's file is audited (before the timeline is read). */
  async function caseViewFor(
    actor: Actor,
    caseId: string,
    req: Request,
    /** Recorded once the case was found in scope, before anything is read: a print of the summary. */
    beforeRead?: (record: CaseRecord) => Promise<void>,
  ): Promise<z.input<typeof caseView>> {
    const record = await findCaseInScope(scopeOf(actor), caseId);
    const scope = record ? caseScopeOf(record) : undefined;
    if (!record || !scope) throw new AppError(ErrorCode.NotFound, 'No such case');
    await beforeRead?.(record);
    const at = now();
    const pack = pinnedPack(record.policyPackId, record.policyPackVersion);

    let child: Record<string, unknown> = {};
    const file = await findChild(record.childId);
    const purpose = file ? accessPurpose(actor, file, scope) : undefined;
    if (file && purpose) {
      await recordChildRead(deps.audit, actor, req, {
        childId: file._id,
        purpose,
        via: `case ${record.workflowId}`,
        caseId: record.workflowId,
      });
      child = fullChildFields(file, at);
    }

    // After the read is recorded, so the timeline shows this very access too.
    const [live, timeline, overdue, streets] = await Promise.all([
      queryLive(deps.temporal, record.workflowId, caseStatusQuery),
      caseTimeline(record.workflowId, pack, (action) =>
        deps.logger?.warn({ action, caseId: record.workflowId }, 'timeline: audit action not classified'),
      ),
      overdueTasksByCase([record.workflowId], at),
      streetNames([record.jurisdiction?.districtCode ?? '']),
    ]);
    const streetName = streets.get(record.jurisdiction?.streetCode ?? '');

    // The projection knows who accepted each task (the assignee); a live case's other task fields come from it.
    const projectedTasks = await tasksOfCase(record.workflowId);
    const assigneeOf = new Map(projectedTasks.map((t) => [t.taskId, t.assignee ?? null]));
    const allTasks = live ? undefined : projectedTasks;
    const cockpitTasks = live
      ? tasksOfState(live.state.tasks).map((t) => ({ ...t, assigneeUserId: assigneeOf.get(t.taskId) ?? null }))
      : (allTasks ?? []).map((t) => ({
          taskId: t.taskId,
          kind: t.kind ?? '',
          agencyId: t.agencyCode ?? '',
          status: apiTaskStatus(t.status),
          createdAt: iso(t.openedAt),
          closedAt: iso(t.completedAt),
          assigneeUserId: t.assignee ?? null,
        }));
    const decided = live ? decidedOf(live.state) : (record.decided as DecidedByRules | undefined);
    const cockpit = await buildCockpit(
      {
        source: live ? 'workflow' : 'projection',
        intervention: live ? live.state.intervention : (record.intervention as InterventionState | undefined),
        decided,
        tasks: cockpitTasks,
      },
      pack,
    );
    const agencyName = (code: string) =>
      cockpit.tasks.find((t) => t.agency.code === code)?.agency.name ?? { zh: code, en: code };

    const openTasks = live
      ? live.openTasks.map((t) => ({
          taskId: t.taskId,
          kind: t.kind,
          agencyCode: t.agencyId,
          agencyName: agencyName(t.agencyId),
          label: taskLabel(pack, t.kind),
          status: t.acceptedAt ? 'accepted' : t.status,
          acceptBy: t.acceptBy,
          completeBy: t.completeBy,
          ...(t.acceptedAt ? { acceptedAt: t.acceptedAt } : {}),
        }))
      : (allTasks ?? [])
          .filter((t) => t.status === 'open' || t.status === 'accepted')
          .map((t) => ({
            taskId: t.taskId,
            kind: t.kind ?? '',
            agencyCode: t.agencyCode ?? '',
            agencyName: agencyName(t.agencyCode ?? ''),
            label: taskLabel(pack, t.kind ?? ''),
            status: apiTaskStatus(t.status),
            acceptBy: iso(t.acceptDueAt),
            completeBy: iso(t.completeDueAt),
            ...(t.acceptedAt ? { acceptedAt: new Date(t.acceptedAt).toISOString() } : {}),
          }));
    const clocks = live
      ? live.pendingClocks.map((c) => ({ ...c }))
      : (record.clocks ?? []).map((c) => ({
          id: c.id,
          label: c.label ?? c.id,
          clause: c.clause ?? '',
          startedAt: iso(c.startedAt),
          firesAt: new Date(c.firesAt).toISOString(),
        }));
    // The projection stores the workflow's own EscalationRecord and Finding objects (Mixed arrays).
    const escalations = live?.state.escalations ?? (record.escalations as EscalationRecord[] | undefined) ?? [];
    const findings = live?.state.findings ?? (record.findings as Finding[] | undefined) ?? [];
    // A late-report finding names the reporting unit by its code; the page shows the unit's name (issue #14 item 4).
    // From pack 1.3.0 the superior it went to is named too (CN 四(一), issue #17 item 6).
    const unitNames = await namesFor(
      findings.flatMap((f) => {
        const named = f as { againstUnitId?: unknown; superiorAgencyId?: unknown };
        return [String(named.againstUnitId ?? ''), String(named.superiorAgencyId ?? '')];
      }),
      [],
    );

    return {
      case: {
        ...summaryOf(record, overdue.get(record.workflowId) ?? 0),
        ...(live ? { stage: live.state.stage, risk: decided?.risk ?? 'unassessed' } : {}),
        ...(streetName ? { streetName } : {}),
        childId: record.childId ? String(record.childId) : null,
        policyPackId: record.policyPackId ?? null,
        policyPackVersion: record.policyPackVersion ?? null,
        openedAt: iso(record.openedAt),
        leftBehind: live?.state.leftBehind ?? record.leftBehind ?? null,
        nextStep: live?.state.assessment.decision?.nextStep ?? record.nextStep ?? null,
      },
      status: {
        stage: live?.state.stage ?? record.stage ?? 'awaiting_report',
        openTasks,
        clocks,
        escalations: escalations.map((e) => ({ ...e })),
        findings: findings.map((f) => {
          const unit = (f as { againstUnitId?: unknown }).againstUnitId;
          const superior = (f as { superiorAgencyId?: unknown }).superiorAgencyId;
          return {
            ...f,
            ...(typeof unit === 'string' && unit ? { againstUnitName: unitNames.agency(unit).name } : {}),
            ...(typeof superior === 'string' && superior ? { superiorName: unitNames.agency(superior).name } : {}),
          };
        }),
        live: live !== undefined,
      },
      child,
      timeline,
      cockpit,
    };
  }

  api.route(
    {
      method: 'get',
      path: '/:caseId',
      summary: "One case: live status, the child's file within scope, and the timeline",
      description: "A case outside the caller's scope answers 404, like one that does not exist.",
      roles: CASE_WORKER_ROLES,
      request: { params: caseIdParams },
      response: { status: 200, description: 'The case', schema: caseView },
      errors: [ErrorCode.NotFound],
    },
    ({ actor, params, req }) => caseViewFor(actor, params.caseId, req),
  );

  api.route(
    {
      method: 'get',
      path: '/:caseId/summary',
      summary: 'A case for its printed summary (a court petition or a joint meeting, 联席会议); coordinators only',
      description:
        'The same view as GET /cases/{caseId}, no more than the caller may see; the print is audited as ' +
        'case.summary_printed with its purpose.',
      roles: ['street_coordinator', 'district_coordinator'],
      request: { params: caseIdParams, query: caseSummaryQuery },
      response: { status: 200, description: 'The case', schema: caseView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, query, req }) => {
      const view = await caseViewFor(actor, params.caseId, req, (record) =>
        deps.audit.record({
          actorId: actor.userId,
          actorRole: actor.role,
          action: 'case.summary_printed',
          ...(record.childId ? { childId: String(record.childId) } : {}),
          caseId: record.workflowId,
          reason: `summary printed for ${query.purpose}`,
          requestId: req.requestId,
        }),
      );
      // Each completed task's outcome, read from its workflow as its task page reads it (a task whose workflow does
      // not answer shows its status only).
      const outcomes: Record<string, Record<string, unknown>> = {};
      for (const task of view.cockpit.tasks) {
        if (task.status !== 'completed') continue;
        const state = await queryLive(deps.temporal, task.taskId, taskStatusQuery);
        if (state?.outcome) outcomes[task.taskId] = { ...state.outcome };
      }
      return { ...view, outcomes };
    },
  );

  return api.router;
}
