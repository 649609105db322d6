/**
 * Exports for coordinators (issue #15 item 5): the filtered case list and the district's indicators as XLSX or CSV
 * (exceljs), for a joint meeting (联席会议) or a court petition. An export carries exactly what the case list or the
 * dashboard shows the same person (the same scope filter, the same fields) and every export is audited: who, what,
 * which filters, how many rows.
 */
import type { RequestHandler, Response, Router } from 'express';
import { AppError, ErrorCode } from '../../common/errors';
import { CASE_EXPORT_LIMIT, caseExportQuery, indicatorExportQuery, type ExportFormat } from '../../contracts/exports';
import { COORDINATOR_ROLES } from '../../contracts/roles';
import { listPolicyPacks } from '../../policies';
import type { AuditSink } from '../auth/audit';
import { scopeOf } from '../auth/scope';
import { createApiRouter } from '../http/api-router';
import { caseFiltersOf, caseListFilter, listCases, overdueTasksByCase } from '../read-models/cases';
import { caseSheet, CONTENT_TYPE, indicatorSheet, writeSheet, type Sheet } from '../read-models/exports';
import { readIndicators } from '../read-models/indicators';

export interface ExportRouterDependencies {
  authenticate: RequestHandler;
  audit: AuditSink;
  now?: () => Date;
}

async function send(res: Response, sheet: Sheet, format: ExportFormat, basename: string): Promise<void> {
  const file = await writeSheet(sheet, format);
  res
    .status(200)
    .set('Content-Type', CONTENT_TYPE[format])
    .set('Content-Disposition', `attachment; filename="${basename}.${format}"`)
    .set('Cache-Control', 'no-store')
    .send(file);
}

/** The filters as the audit entry names them: "stage=assessment, risk=high". */
const describeFilters = (filters: Record<string, unknown>) =>
  Object.entries(filters)
    .filter(([k, v]) => k !== 'format' && v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ') || 'none';

export function createExportRouter(deps: ExportRouterDependencies): Router {
  const api = createApiRouter({ tag: 'exports', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());

  api.route(
    {
      method: 'get',
      path: '/cases',
      summary: 'The filtered case list as XLSX or CSV',
      description: `The case list's filters, every page at once (at most ${CASE_EXPORT_LIMIT} cases), within my scope. Audited.`,
      roles: COORDINATOR_ROLES,
      request: { query: caseExportQuery },
      response: { status: 200, description: 'The file (attachment)' },
      errors: [ErrorCode.ValidationFailed],
    },
    async ({ actor, query, req, res }) => {
      const at = now();
      const filter = caseListFilter(scopeOf(actor), caseFiltersOf(query), at);
      // Counted up to the limit: more than that is refused, whatever the number.
      const { items, totalCapped } = await listCases(filter, { page: 1, limit: CASE_EXPORT_LIMIT }, CASE_EXPORT_LIMIT);
      if (totalCapped) {
        throw new AppError(
          ErrorCode.ValidationFailed,
          `The filters select more than ${CASE_EXPORT_LIMIT} cases; an export carries at most ${CASE_EXPORT_LIMIT}: narrow the filters`,
          { fields: [{ field: 'query', message: `at most ${CASE_EXPORT_LIMIT} cases per export` }] },
        );
      }
      const overdue = await overdueTasksByCase(
        items.map((c) => c.workflowId),
        at,
      );
      const sheet = await caseSheet(items, overdue);
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'cases.export',
        reason: `${query.format}: ${items.length} cases; filters ${describeFilters(query)}`,
        requestId: req.requestId,
      });
      await send(res, sheet, query.format, `cases-${at.toISOString().slice(0, 10)}`);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/indicators',
      summary: "My district's indicators as XLSX or CSV",
      description: 'Another district answers 403, as the indicators do. Audited.',
      roles: COORDINATOR_ROLES,
      request: { query: indicatorExportQuery },
      response: { status: 200, description: 'The file (attachment)' },
    },
    async ({ actor, query, req, res }) => {
      const districtCode = query.districtCode ?? actor.jurisdiction.districtCode;
      if (districtCode !== actor.jurisdiction.districtCode) {
        throw new AppError(ErrorCode.Forbidden, 'Indicators of another district are not yours to see');
      }
      const at = now();
      // What the dashboard shows: the district's snapshot, its instant in the sheet.
      const data = await readIndicators(districtCode, at);
      const district = listPolicyPacks().find((p) => p.district.code === districtCode)?.district.name;
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'indicators.export',
        reason: `${query.format}: district ${districtCode}`,
        requestId: req.requestId,
      });
      await send(
        res,
        indicatorSheet(data, district),
        query.format,
        `indicators-${districtCode}-${at.toISOString().slice(0, 10)}`,
      );
    },
  );

  return api.router;
}
