/**
 * Evidence fields that point to an attachment of the case (issue 15 item 4): the evidence of a legal step, a police
 * certificate, a court outcome… may hold `attachment:<id>` (contracts/case-records.ts) instead of a document number.
 * Such a reference is accepted only when the attachment exists, belongs to this case and the caller may see the case
 * (the same rule as listing its attachments); otherwise 400 names every field that failed. Other text is a document
 * number and passes unchanged.
 */
import { validationError, type FieldError } from '../../common/errors';
import { ATTACHMENT_REF_PREFIX, attachmentIdOfRef } from '../../contracts/case-records';
import type { AttachmentStore } from '../../models/attachment-repository';

export type EvidenceFields = ReadonlyArray<readonly [field: string, value: string | undefined]>;

/** Whether a value is meant as an attachment reference (a document number never starts with the prefix). */
export const isAttachmentRef = (value: string | undefined): value is string =>
  value !== undefined && value.trim().toLowerCase().startsWith(ATTACHMENT_REF_PREFIX);

/**
 * 400 naming each field whose attachment reference is malformed or does not name an attachment of `caseWorkflowId`;
 * `caseWorkflowId` undefined means the caller may not see the case, so no reference can be theirs to cite.
 */
export async function checkEvidenceRefs(
  attachments: Pick<AttachmentStore, 'exists'>,
  caseWorkflowId: string | undefined,
  fields: EvidenceFields,
): Promise<void> {
  const problems: FieldError[] = [];
  for (const [field, value] of fields) {
    if (!isAttachmentRef(value)) continue;
    const id = attachmentIdOfRef(value.trim());
    if (!id) {
      problems.push({ field, message: '附件引用格式不对 / must be attachment:<id> of an attachment of this case' });
    } else if (!caseWorkflowId || !(await attachments.exists(caseWorkflowId, id))) {
      problems.push({ field, message: '不是本个案的附件 / is not an attachment of this case' });
    }
  }
  if (problems.length) throw validationError(problems);
}

/** The evidence fields of a task outcome, by their path in the request body. */
export function outcomeEvidence(outcome: Record<string, unknown>): EvidenceFields {
  const fields: Array<readonly [string, string | undefined]> = [];
  for (const name of ['judgmentRef', 'evidenceRef', 'certificateRef', 'courtRef', 'reportRef', 'documentRef']) {
    const value = outcome[name];
    if (typeof value === 'string') fields.push([`outcome.${name}`, value]);
  }
  const refs = outcome.evidenceRefs;
  if (Array.isArray(refs)) {
    refs.forEach((v, i) => {
      if (typeof v === 'string') fields.push([`outcome.evidenceRefs.${i}`, v]);
    });
  }
  return fields;
}
