/** The case's notes and attachments (/api/v1/case-records/:caseId/…, contracts/case-records.ts). */
import type { AttachmentView, NoteView } from '../../../contracts/case-records';
import { API_BASE, request } from './client';

const base = (caseId: string) => `/case-records/${encodeURIComponent(caseId)}`;

export const caseRecords = {
  notes: (caseId: string) => request<{ items: NoteView[] }>('GET', `${base(caseId)}/notes`),
  addNote: (caseId: string, text: string, amends?: string) =>
    request<NoteView>('POST', `${base(caseId)}/notes`, { body: { text, ...(amends ? { amends } : {}) } }),
  attachments: (caseId: string) => request<{ items: AttachmentView[] }>('GET', `${base(caseId)}/attachments`),
  upload: (caseId: string, file: File) =>
    request<AttachmentView>('POST', `${base(caseId)}/attachments?name=${encodeURIComponent(file.name)}`, {
      rawBody: file,
    }),
  /** Where the browser opens or downloads the file (the session cookie goes along; the read is audited). */
  fileUrl: (caseId: string, attachmentId: string) =>
    `${API_BASE}${base(caseId)}/attachments/${encodeURIComponent(attachmentId)}`,
};
