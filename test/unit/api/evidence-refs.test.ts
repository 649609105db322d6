/** Evidence fields that point to attachments (api/http/evidence.ts): which fields of an outcome are checked, and how. */
import { AppError } from '../../../common/errors';
import { checkEvidenceRefs, outcomeEvidence } from '../../../api/http/evidence';

const OWN = 'a'.repeat(24);
const store = { exists: async (caseId: string, id: string) => caseId === 'case-1' && id === OWN };

async function fieldsOf(promise: Promise<void>) {
  try {
    await promise;
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return ((err as AppError).details as { fields: { field: string }[] }).fields.map((f) => f.field);
  }
}

describe('evidence references', () => {
  it('passes document numbers and attachments of the case; names every field that cites anything else', async () => {
    expect(
      await fieldsOf(
        checkEvidenceRefs(store, 'case-1', [
          ['evidenceRef', 'GJ-2026-7'],
          ['courtRef', `attachment:${OWN}`],
          ['missing', undefined],
        ]),
      ),
    ).toEqual([]);
    expect(
      await fieldsOf(
        checkEvidenceRefs(store, 'case-1', [
          ['evidenceRef', `attachment:${'b'.repeat(24)}`],
          ['courtRef', 'attachment:nope'],
          ['certificateRef', `Attachment:${OWN}`],
          ['ok', `attachment:${OWN}`],
        ]),
      ),
    ).toEqual(['evidenceRef', 'courtRef', 'certificateRef']);
    // A caller who cannot see the case cites none of its attachments.
    expect(await fieldsOf(checkEvidenceRefs(store, undefined, [['judgmentRef', `attachment:${OWN}`]]))).toEqual([
      'judgmentRef',
    ]);
  });

  it("finds the court outcome's judgment, the certificate and the police's evidence list in a task outcome", () => {
    expect(
      outcomeEvidence({ kind: 'court_hearing', judgmentRef: 'attachment:x', hearingDate: '2026-11-30T00:00:00Z' }),
    ).toEqual([['outcome.judgmentRef', 'attachment:x']]);
    expect(outcomeEvidence({ kind: 'guardian_search', found: false, certificateRef: 'ZM-1' })).toEqual([
      ['outcome.certificateRef', 'ZM-1'],
    ]);
    expect(outcomeEvidence({ kind: 'police_response', evidenceRefs: ['a', 'b'] })).toEqual([
      ['outcome.evidenceRefs.0', 'a'],
      ['outcome.evidenceRefs.1', 'b'],
    ]);
  });
});
