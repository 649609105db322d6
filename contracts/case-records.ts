/**
 * Case notes and attachments (issue 15 item 4; /api/v1/case-records/:caseId/…). Notes are never edited, only
 * amended by a later note that names the one it amends. Attachments are JPEG, PNG or PDF up to 10 MB, uploaded as the
 * request body (the file's bytes, any Content-Type) with the file's name in `?name=`.
 */
import { z } from 'zod';
import { bilingual } from './common';

export const ATTACHMENT_MAX_MB = 10;
/** An evidence field (legal step, certificate, court outcome) that points to an attachment of the case. */
export const ATTACHMENT_REF_PREFIX = 'attachment:';
export const attachmentRef = (id: string) => `${ATTACHMENT_REF_PREFIX}${id}`;
export const attachmentIdOfRef = (ref: string): string | undefined =>
  ref.startsWith(ATTACHMENT_REF_PREFIX) && /^[0-9a-f]{24}$/.test(ref.slice(ATTACHMENT_REF_PREFIX.length))
    ? ref.slice(ATTACHMENT_REF_PREFIX.length)
    : undefined;

const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be an id');

export const caseRecordParams = z.strictObject({
  caseId: z
    .string()
    .regex(/^case-[0-9a-f]{24}$/, 'must be a case id')
    .max(64),
});
export const attachmentParams = caseRecordParams.extend({ attachmentId: objectId });

export const recordAuthor = z.object({ name: z.string(), agency: bilingual.nullable() });

export const newNoteBody = z.strictObject({
  text: z.string().trim().min(1, 'is required').max(4000),
  /** The id of the note this one amends (corrects or completes). */
  amends: objectId.optional(),
});

export const noteView = z.object({
  id: z.string(),
  text: z.string(),
  at: z.string(),
  author: recordAuthor,
  amends: z.string().nullable(),
  /** Later notes that amend this one, oldest first. */
  amendedBy: z.array(z.string()),
});
export type NoteView = z.infer<typeof noteView>;

export const attachmentUploadQuery = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(200),
});

export const attachmentView = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
  size: z.number().int(),
  uploadedAt: z.string(),
  uploadedBy: recordAuthor,
  /** What an evidence field holds to point to this attachment. */
  ref: z.string(),
});
export type AttachmentView = z.infer<typeof attachmentView>;
