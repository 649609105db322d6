/**
 * Case notes (issue 15 item 4): what anyone working a case writes down about it. A note is never edited or deleted:
 * a correction is a new note that amends an earlier one (`amends`), so the record shows what was said and when.
 * Updates and deletes through the model are refused, like the audit log's.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { AppendOnlyError } from './audit-event';

export const NOTE_MAX_CHARS = 4000;

const caseNoteSchema = new Schema(
  {
    caseWorkflowId: { type: String, required: true },
    text: { type: String, required: true, maxlength: NOTE_MAX_CHARS },
    authorId: { type: String, required: true },
    authorAgencyCode: { type: String, required: true },
    /** The note this one amends (of the same case), or absent for a new note. */
    amends: { type: Schema.Types.ObjectId, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'case_notes' },
);
caseNoteSchema.index({ caseWorkflowId: 1, at: 1 });

const refuse = () => {
  throw new AppendOnlyError('case notes are never edited: add a note that amends it');
};
caseNoteSchema.pre(
  [
    'updateOne',
    'updateMany',
    'findOneAndUpdate',
    'replaceOne',
    'findOneAndReplace',
    'deleteOne',
    'deleteMany',
    'findOneAndDelete',
  ],
  refuse,
);
caseNoteSchema.pre('save', function () {
  if (!this.isNew) refuse();
});

export type CaseNoteRecord = InferSchemaType<typeof caseNoteSchema> & { _id: Types.ObjectId };
export const CaseNoteModel = model('CaseNote', caseNoteSchema);
