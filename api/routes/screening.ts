/**
 * School screening (issue #18 item 2, FT 三(二)1): a school or kindergarten downloads the template, uploads its
 * screening as XLSX or CSV, and follows the import. Every row is validated before anything is written: an upload with
 * any bad row is 400 with the problems by row and column, and nothing is stored. A clean file is staged (rows with
 * sealed ID numbers), its reporting rows routed like any report (api/intake/routing.ts), and the import workflow
 * started with an id derived from the school and the file's content: the same file again is the same import and changes
 * nothing. The rows then go to the ledger or become reports as the workflow works through them.
 */
import { createHash } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { AppError, ErrorCode } from '../../common/errors';
import {
  SCREENING_MAX_BYTES,
  SCREENING_MAX_ROWS,
  screeningImportDetail,
  screeningImportParams,
  screeningImportView,
  screeningProblem,
  screeningTemplateQuery,
  screeningUploadQuery,
  type ScreeningImportView,
  type ScreeningProblem,
} from '../../contracts/screening';
import type { IdentityCrypto } from '../../models/identity-crypto';
import { findAgency, listAgencies } from '../../models/agency-directory';
import {
  createScreeningImport,
  findScreeningImport,
  markScreeningImportRunning,
  screeningCounts,
  screeningImportsOf,
  screeningResults,
  stageScreeningRows,
  discardScreeningImport,
  type NewScreeningRow,
  type ScreeningImportRecord,
} from '../../models/screening-repository';
import { listPolicyPacks, loadPolicyPack } from '../../policies';
import type { PolicyPack } from '../../policies/schema';
import { screeningImportWorkflow } from '../../workflows/screening-import.workflow';
import { SCREENING_CHUNK_SIZE, screeningImportWorkflowId } from '../../workflows/screening.definitions';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { createApiRouter } from '../http/api-router';
import { routeReport } from '../intake/routing';
import { CONTENT_TYPE } from '../read-models/exports';
import { validateScreening, type ScreeningDirectory, type ValidScreeningRow } from '../screening/rows';
import { readScreeningFile, screeningTemplate, UnreadableFileError } from '../screening/sheet';

/** Schools and kindergartens collect the information (FT 三(二)1); their staff sign in as mandated reporters. */
const SCREENING_ROLES = ['mandated_reporter'] as const;
const SCREENING_AGENCY_TYPES = new Set(['school', 'kindergarten']);

export interface ScreeningRouterDependencies {
  temporal: Client;
  taskQueue: string;
  authenticate: RequestHandler;
  audit: AuditSink;
  identity: IdentityCrypto;
  chunkSize?: number;
  now?: () => Date;
}

const TOO_LARGE = `文件不得超过 ${SCREENING_MAX_BYTES / 1024 / 1024} MB / The file may be at most ${SCREENING_MAX_BYTES / 1024 / 1024} MB`;

function uploadBody(): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: SCREENING_MAX_BYTES });
  return [
    (req, _res, next) => {
      if (Number(req.get('content-length') ?? 0) > SCREENING_MAX_BYTES) {
        req.resume();
        return next(
          new AppError(ErrorCode.PayloadTooLarge, TOO_LARGE, { limitBytes: SCREENING_MAX_BYTES, field: 'file' }),
        );
      }
      next();
    },
    (req, res, next) =>
      raw(req, res, (err?: unknown) => {
        if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
          return next(
            new AppError(ErrorCode.PayloadTooLarge, TOO_LARGE, { limitBytes: SCREENING_MAX_BYTES, field: 'file' }),
          );
        }
        next(err);
      }),
  ];
}

/** The school's agency and its district's pack with a screening standard; anyone else is refused. */
async function schoolOf(
  actor: Actor,
): Promise<{ agency: { code: string; type: string; name: string }; pack: PolicyPack }> {
  const agency = await findAgency(actor.agencyCode);
  if (!agency || !SCREENING_AGENCY_TYPES.has(agency.type)) {
    throw new AppError(ErrorCode.Forbidden, 'Only schools and kindergartens upload screening');
  }
  const summary = listPolicyPacks().find((p) => p.district.code === agency.jurisdiction?.districtCode);
  const pack = summary ? loadPolicyPack(summary.id) : undefined;
  if (!pack?.screening) throw new AppError(ErrorCode.Forbidden, "The district's policy pack has no screening standard");
  return { agency: { code: agency.code, type: agency.type, name: agency.name.zh }, pack };
}

async function directoryOf(districtCode: string): Promise<ScreeningDirectory> {
  const [streets, residents, villagers] = await Promise.all([
    listAgencies({ districtCode, type: 'street_office' }),
    listAgencies({ districtCode, type: 'residents_committee' }),
    listAgencies({ districtCode, type: 'villagers_committee' }),
  ]);
  return {
    streets: streets.flatMap((s) =>
      s.jurisdiction?.streetCode ? [{ code: s.jurisdiction?.streetCode, name: { zh: s.name.zh, en: s.name.en } }] : [],
    ),
    committees: [...residents, ...villagers].flatMap((c) =>
      c.jurisdiction?.streetCode && c.jurisdiction?.committeeCode
        ? [
            {
              streetCode: c.jurisdiction?.streetCode,
              code: c.jurisdiction?.committeeCode,
              name: { zh: c.name.zh, en: c.name.en },
            },
          ]
        : [],
    ),
  };
}

function problemsError(problems: ScreeningProblem[]): AppError {
  const shown = problems.slice(0, 500);
  return new AppError(ErrorCode.ValidationFailed, `The file has ${problems.length} problem(s); nothing was imported`, {
    fields: shown.map((p) => ({ field: `row ${p.row}: ${p.column}`, message: p.message })),
    problems: shown,
    problemCount: problems.length,
  });
}

async function viewOf(record: ScreeningImportRecord, repeated?: boolean): Promise<ScreeningImportView> {
  const counts = record.stage === 'completed' ? record.counts : await screeningCounts(record._id);
  return {
    importId: record._id,
    fileName: record.fileName,
    status: record.stage === 'completed' ? 'completed' : 'running',
    total: record.total,
    processed: Math.min(record.total, Math.max(record.processed, counts.enrolled + counts.updated + counts.reported)),
    counts: { enrolled: counts.enrolled, updated: counts.updated, reported: counts.reported },
    createdAt: record.createdAt.toISOString(),
    ...(record.finishedAt ? { finishedAt: record.finishedAt.toISOString() } : {}),
    ...(repeated ? { repeated: true } : {}),
  };
}

export function createScreeningRouter(deps: ScreeningRouterDependencies): Router {
  const api = createApiRouter({ tag: 'screening', authenticate: deps.authenticate });
  const now = deps.now ?? (() => new Date());
  const chunkSize = deps.chunkSize ?? SCREENING_CHUNK_SIZE;

  api.route(
    {
      method: 'get',
      path: '/template',
      summary: 'The screening template (XLSX or CSV) of my district, Chinese headers with English alongside',
      roles: SCREENING_ROLES,
      request: { query: screeningTemplateQuery },
      response: { status: 200, description: 'The file (attachment)' },
      errors: [ErrorCode.Forbidden],
    },
    async ({ actor, query, res }) => {
      const { pack } = await schoolOf(actor);
      const file = await screeningTemplate(pack.screening!, query.format);
      res
        .status(200)
        .set('Content-Type', CONTENT_TYPE[query.format])
        .set('Content-Disposition', `attachment; filename="screening-template.${query.format}"`)
        .set('Cache-Control', 'no-store')
        .send(file);
    },
  );

  /** Stages the rows, starts the workflow; on a failure to start, takes the staged rows back out. */
  async function stageAndStart(record: ScreeningImportRecord, rows: NewScreeningRow[]): Promise<void> {
    await stageScreeningRows(rows);
    try {
      await deps.temporal.workflow.start(screeningImportWorkflow, {
        workflowId: screeningImportWorkflowId(record._id),
        taskQueue: deps.taskQueue,
        args: [{ importId: record._id, total: record.total, chunkSize }],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        await discardScreeningImport(record._id).catch(() => undefined);
        throw err;
      }
    }
    await markScreeningImportRunning(record._id);
  }

  async function stagedRow(
    importId: string,
    seq: number,
    row: ValidScreeningRow,
    pack: PolicyPack,
  ): Promise<NewScreeningRow> {
    const districtCode = pack.district.code;
    const place = {
      districtCode,
      streetCode: row.streetCode,
      ...(row.committeeCode ? { committeeCode: row.committeeCode } : {}),
    };
    const routing = row.score.reports
      ? await routeReport(pack, { incident: place, longTermResidence: place })
      : undefined;
    return {
      importId,
      seq,
      row: row.row,
      name: row.name,
      idNumberSealed: deps.identity.encrypt(row.idNumber),
      ...(row.sex ? { sex: row.sex } : {}),
      dateOfBirth: row.dateOfBirth,
      ...(row.grade ? { grade: row.grade } : {}),
      streetCode: row.streetCode,
      ...(row.committeeCode ? { committeeCode: row.committeeCode } : {}),
      ...(row.address ? { address: row.address } : {}),
      leftBehind: row.leftBehind,
      ...(row.guardian ? { guardian: row.guardian } : {}),
      ...(row.caregiver ? { caregiver: row.caregiver } : {}),
      screenedOn: row.screenedOn,
      ...(row.note ? { note: row.note } : {}),
      score: row.score.score,
      marked: row.score.marked,
      reports: row.score.reports,
      concerns: row.score.concerns,
      risk: row.score.risk,
      categories: row.score.categories,
      ...(routing
        ? {
            routing: {
              agencies: routing.agencies,
              ongoingAgencies: routing.ongoingAgencies,
              fallbackAgencies: routing.fallbackAgencies,
              caseJurisdiction: routing.caseJurisdiction,
            },
          }
        : {}),
    } as NewScreeningRow;
  }

  api.route(
    {
      method: 'post',
      path: '/imports',
      summary: 'Upload a screening file (XLSX or CSV, the body is the file, its name in ?name=)',
      description:
        'Every row is validated first: any problem is 400 with details.problems (row, column, message) and nothing is ' +
        'written. A clean file starts its import (202); the same file again answers the same import (200, repeated).',
      roles: SCREENING_ROLES,
      request: { query: screeningUploadQuery },
      response: { status: 202, description: 'The import, started', schema: screeningImportView },
      errors: [ErrorCode.Forbidden, ErrorCode.PayloadTooLarge, ErrorCode.DependencyUnavailable],
    },
    async ({ actor, query, req, res }) => {
      const { agency, pack } = await schoolOf(actor);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fileProblem = (message: string) => problemsError([{ row: 1, column: '', message }]);
      if (!bytes.length) throw fileProblem('文件是空的 / the file is empty');
      let sheet;
      try {
        sheet = await readScreeningFile(bytes);
      } catch (err) {
        if (err instanceof UnreadableFileError)
          throw fileProblem(`无法读取：请上传 XLSX 或 UTF-8 CSV 文件 / cannot be read: ${err.message}`);
        throw err;
      }
      if (sheet.rows.length > SCREENING_MAX_ROWS)
        throw fileProblem(`一次最多 ${SCREENING_MAX_ROWS} 行 / at most ${SCREENING_MAX_ROWS} rows per file`);
      const at = now();
      const { problems, rows } = validateScreening(sheet, pack.screening!, await directoryOf(pack.district.code), at);
      if (problems.length) throw problemsError(problems);

      const fileHash = createHash('sha256').update(bytes).digest('hex');
      // The import is the school and the file's content (its rows as read), not its bytes: the same sheet saved
      // again by Excel (a new timestamp inside the XLSX) or exported as CSV is the same import and changes nothing.
      const contentHash = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
      const importId = createHash('sha256')
        .update(`childsafe-screening\0${agency.code}\0${contentHash}`)
        .digest('hex')
        .slice(0, 32);
      const existing = await findScreeningImport(importId);
      if (existing && existing.stage !== 'staging') {
        // The same file from the same school: the same import, nothing written (200, not 202: nothing started).
        const view = await viewOf(existing, true);
        res.status(200).json(screeningImportView.parse(view));
        return view;
      }
      const staged = await Promise.all(rows.map((row, seq) => stagedRow(importId, seq, row, pack)));
      const { record } = await createScreeningImport({
        _id: importId,
        agencyCode: agency.code,
        agencyType: agency.type,
        agencyName: agency.name,
        districtCode: pack.district.code,
        uploadedBy: actor.userId,
        fileName: query.name,
        fileHash,
        packId: pack.id,
        packVersion: pack.version,
        total: rows.length,
        createdAt: at,
      });
      await stageAndStart(record, staged);
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'screening.imported',
        reason: `import ${importId}: ${rows.length} rows, ${staged.filter((r) => r.reports).length} at the report threshold`,
        requestId: req.requestId,
      });
      res.setHeader('Location', `/api/v1/screening/imports/${importId}`);
      return viewOf({ ...record, stage: 'running' });
    },
    { afterAuthentication: uploadBody() },
  );

  api.route(
    {
      method: 'get',
      path: '/imports',
      summary: "My school's screening imports, newest first",
      roles: SCREENING_ROLES,
      request: {},
      response: { status: 200, description: 'The imports', schema: z.object({ items: z.array(screeningImportView) }) },
      errors: [ErrorCode.Forbidden],
    },
    async ({ actor }) => {
      const { agency } = await schoolOf(actor);
      const imports = await screeningImportsOf(agency.code);
      return { items: await Promise.all(imports.map((r) => viewOf(r))) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/imports/:importId',
      summary: 'One import: progress and the result table (row → enrolled / updated / reported with its case)',
      roles: SCREENING_ROLES,
      request: { params: screeningImportParams },
      response: { status: 200, description: 'The import', schema: screeningImportDetail },
      errors: [ErrorCode.NotFound, ErrorCode.Forbidden],
    },
    async ({ actor, params, req }) => {
      const { agency } = await schoolOf(actor);
      const record = await findScreeningImport(params.importId);
      // Another school's import and no import look the same.
      if (!record || record.agencyCode !== agency.code) throw new AppError(ErrorCode.NotFound, 'No such import');
      const results = await screeningResults(record._id);
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'screening.results_read',
        reason: `import ${record._id}: ${results.length} rows`,
        requestId: req.requestId,
      });
      return { ...(await viewOf(record)), results };
    },
  );

  return api.router;
}

export { screeningProblem };
