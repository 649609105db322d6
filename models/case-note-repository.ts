/** Adding and reading case notes (append-only: models/case-note.ts). */
import { Types } from 'mongoose';
import { CaseNoteModel, type CaseNoteRecord } from './case-note';

export type { CaseNoteRecord };

export async function addCaseNote(note: {
  caseWorkflowId: string;
  text: string;
  authorId: string;
  authorAgencyCode: string;
  /** The id of the note it amends. */
  amends?: string;
}): Promise<CaseNoteRecord> {
  const created = await CaseNoteModel.create({
    ...note,
    amends: note.amends ? new Types.ObjectId(note.amends) : null,
    at: new Date(),
  });
  return created.toObject<CaseNoteRecord>();
}

export function caseNotes(caseWorkflowId: string): Promise<CaseNoteRecord[]> {
  return CaseNoteModel.find({ caseWorkflowId }).sort({ at: 1, _id: 1 }).lean<CaseNoteRecord[]>().exec();
}

export function findCaseNote(caseWorkflowId: string, id: string): Promise<CaseNoteRecord | null> {
  if (!Types.ObjectId.isValid(id)) return Promise.resolve(null);
  return CaseNoteModel.findOne({ caseWorkflowId, _id: new Types.ObjectId(id) })
    .lean<CaseNoteRecord>()
    .exec();
}
