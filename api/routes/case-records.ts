/**
 * A case's notes and attachments (issue 15 item 4), for anyone who may see the case (the case workers within scope;
 * a case outside it answers 404 like one that does not exist). Notes are added, never edited: a correction is a note
 * that amends an earlier one. Attachments are JPEG, PNG or PDF up to 10 MB, recognised by their bytes, stored
 * encrypted (models/attachment-repository.ts). Every write and every read is audited.
 */
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { AppError, ErrorCode, validationError } from '../../common/errors';
import {
  ATTACHMENT_MAX_MB,
  attachmentParams,
  attachmentRef,
  attachmentUploadQuery,
  attachmentView,
  caseRecordParams,
  newNoteBody,
  noteView,
} from '../../contracts/case-records';
import { ATTACHMENT_MAX_BYTES, sniffAttachmentType, type AttachmentStore } from '../../models/attachment-repository';
import { findCaseInScope } from '../../models/case-repository';
import { addCaseNote, caseNotes, findCaseNote } from '../../models/case-note-repository';
import type { CaseRecord } from '../../models/case';
import type { Actor } from '../auth/actor';
import type { AuditSink } from '../auth/audit';
import { CASE_WORKER_ROLES } from '../auth/roles';
import { scopeOf } from '../auth/scope';
import { createApiRouter } from '../http/api-router';
import { authorsOf } from '../read-models/record-authors';

export interface CaseRecordsRouterDependencies {
  authenticate: RequestHandler;
  audit: AuditSink;
  attachments: AttachmentStore;
}

const TOO_LARGE = `附件不得超过 ${ATTACHMENT_MAX_MB} MB / An attachment may be at most ${ATTACHMENT_MAX_MB} MB`;

/** The upload's bytes: refused by its declared length before reading, and by the parser's limit while reading. */
function uploadBody(): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: ATTACHMENT_MAX_BYTES });
  return [
    (req, _res, next) => {
      const length = Number(req.get('content-length') ?? 0);
      if (length > ATTACHMENT_MAX_BYTES) {
        // Read and discard the rest, so the client (a browser still sending) receives the answer, not a reset.
        req.resume();
        return next(
          new AppError(ErrorCode.PayloadTooLarge, TOO_LARGE, { limitBytes: ATTACHMENT_MAX_BYTES, field: 'file' }),
        );
      }
      next();
    },
    (req, res, next) =>
      raw(req, res, (err?: unknown) => {
        const e = err as { type?: string } | undefined;
        if (e?.type === 'entity.too.large') {
          return next(
            new AppError(ErrorCode.PayloadTooLarge, TOO_LARGE, { limitBytes: ATTACHMENT_MAX_BYTES, field: 'file' }),
          );
        }
        next(err);
      }),
  ];
}

export function createCaseRecordsRouter(deps: CaseRecordsRouterDependencies): Router {
  const api = createApiRouter({ tag: 'case records', authenticate: deps.authenticate });

  async function caseInScope(actor: Actor, caseId: string): Promise<CaseRecord> {
    const record = await findCaseInScope(scopeOf(actor), caseId);
    if (!record) throw new AppError(ErrorCode.NotFound, 'No such case');
    return record;
  }
  const audit = (actor: Actor, req: { requestId: string }, record: CaseRecord, action: string, reason?: string) =>
    deps.audit.record({
      actorId: actor.userId,
      actorRole: actor.role,
      action,
      ...(record.childId ? { childId: String(record.childId) } : {}),
      caseId: record.workflowId,
      ...(reason ? { reason } : {}),
      requestId: req.requestId,
    });

  api.route(
    {
      method: 'get',
      path: '/:caseId/notes',
      summary: "The case's notes, oldest first, each with its author and the notes that amend it",
      roles: CASE_WORKER_ROLES,
      request: { params: caseRecordParams },
      response: { status: 200, description: 'The notes', schema: z.object({ items: z.array(noteView) }) },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, req }) => {
      const record = await caseInScope(actor, params.caseId);
      const notes = await caseNotes(record.workflowId);
      await audit(actor, req, record, 'case_note.read', `${notes.length} note(s)`);
      const author = await authorsOf(notes.map((n) => ({ userId: n.authorId, agencyCode: n.authorAgencyCode })));
      return {
        items: notes.map((n) => ({
          id: n._id.toHexString(),
          text: n.text,
          at: n.at.toISOString(),
          author: author({ userId: n.authorId, agencyCode: n.authorAgencyCode }),
          amends: n.amends ? n.amends.toHexString() : null,
          amendedBy: notes.filter((m) => m.amends?.equals(n._id)).map((m) => m._id.toHexString()),
        })),
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/:caseId/notes',
      summary: 'Add a note to the case, or amend an earlier one (notes are never edited)',
      roles: CASE_WORKER_ROLES,
      request: { params: caseRecordParams, body: newNoteBody },
      response: { status: 201, description: 'The note as recorded', schema: noteView },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, body, req }) => {
      const record = await caseInScope(actor, params.caseId);
      const amends = body.amends;
      if (amends && !(await findCaseNote(record.workflowId, amends))) {
        throw validationError([{ field: 'amends', message: 'is not a note of this case' }]);
      }
      const note = await addCaseNote({
        caseWorkflowId: record.workflowId,
        text: body.text,
        authorId: actor.userId,
        authorAgencyCode: actor.agencyCode,
        ...(amends ? { amends } : {}),
      });
      await audit(
        actor,
        req,
        record,
        amends ? 'case_note.amended' : 'case_note.added',
        amends ? `note ${note._id.toHexString()} amends ${amends}` : `note ${note._id.toHexString()}`,
      );
      const author = await authorsOf([{ userId: actor.userId, agencyCode: actor.agencyCode }]);
      return {
        id: note._id.toHexString(),
        text: note.text,
        at: note.at.toISOString(),
        author: author({ userId: actor.userId, agencyCode: actor.agencyCode }),
        amends: amends ?? null,
        amendedBy: [],
      };
    },
  );

  const viewOf = async (items: Awaited<ReturnType<AttachmentStore['list']>>) => {
    const author = await authorsOf(items.map((a) => ({ userId: a.uploadedBy, agencyCode: a.uploaderAgencyCode })));
    return items.map((a) => ({
      id: a.id,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      uploadedAt: a.uploadedAt.toISOString(),
      uploadedBy: author({ userId: a.uploadedBy, agencyCode: a.uploaderAgencyCode }),
      ref: attachmentRef(a.id),
    }));
  };

  api.route(
    {
      method: 'get',
      path: '/:caseId/attachments',
      summary: "The case's attachments (names, types, sizes, who uploaded them), oldest first",
      roles: CASE_WORKER_ROLES,
      request: { params: caseRecordParams },
      response: {
        status: 200,
        description: 'The attachments',
        schema: z.object({ items: z.array(attachmentView) }),
      },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params }) => {
      const record = await caseInScope(actor, params.caseId);
      return { items: await viewOf(await deps.attachments.list(record.workflowId)) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/:caseId/attachments',
      summary: 'Upload an attachment: the body is the file (JPEG, PNG or PDF, at most 10 MB), its name in ?name=',
      description:
        'The type is recognised from the first bytes, not from the name or Content-Type; anything else is 400 naming ' +
        'the field `file`. A larger body is 413. The file is stored encrypted.',
      roles: CASE_WORKER_ROLES,
      request: { params: caseRecordParams, query: attachmentUploadQuery },
      response: { status: 201, description: 'The attachment as stored', schema: attachmentView },
      errors: [ErrorCode.NotFound, ErrorCode.PayloadTooLarge],
    },
    async ({ actor, params, query, req }) => {
      const record = await caseInScope(actor, params.caseId);
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const contentType = sniffAttachmentType(bytes);
      if (!contentType) {
        throw validationError([
          {
            field: 'file',
            message:
              bytes.length === 0
                ? '没有文件内容 / is empty'
                : '只接受 JPEG、PNG 或 PDF 文件（按内容识别）/ must be a JPEG, PNG or PDF file (recognised by its content)',
          },
        ]);
      }
      const saved = await deps.attachments.save({
        caseWorkflowId: record.workflowId,
        name: query.name,
        bytes,
        contentType,
        uploadedBy: actor.userId,
        uploaderAgencyCode: actor.agencyCode,
      });
      await audit(actor, req, record, 'attachment.added', `attachment ${saved.id} (${contentType}, ${bytes.length} B)`);
      const [view] = await viewOf([saved]);
      return view!;
    },
    { afterAuthentication: uploadBody() },
  );

  api.route(
    {
      method: 'get',
      path: '/:caseId/attachments/:attachmentId',
      summary: "Download an attachment's bytes (decrypted; the read is audited)",
      roles: CASE_WORKER_ROLES,
      request: { params: attachmentParams },
      response: { status: 200, description: 'The file, with its type and name' },
      errors: [ErrorCode.NotFound],
    },
    async ({ actor, params, req, res }) => {
      const record = await caseInScope(actor, params.caseId);
      const found = await deps.attachments.read(record.workflowId, params.attachmentId);
      if (!found) throw new AppError(ErrorCode.NotFound, 'No such attachment');
      await audit(actor, req, record, 'attachment.read', `attachment ${params.attachmentId}`);
      res.status(200);
      res.setHeader('Content-Type', found.info.contentType);
      res.setHeader('Content-Length', String(found.bytes.length));
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(found.info.name)}`);
      res.end(found.bytes);
    },
  );

  return api.router;
}
