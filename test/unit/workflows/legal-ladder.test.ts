/**
 * The pack's legal ladder in the workflow (workflows/guardianship.ts, CN 四(四)3): what a refused rung says (the
 * pack's clause, the step it cannot follow, what the ladder allows, and the quoted text), and who may record a rung
 * (`legalLadder.recordedBy`): one of the caller's agency types must be listed. Written to kill the mutation survivors
 * of session 3 (test/README.md).
 */
import { loadPolicyPack } from '../../../policies';
import { validateLegalStep, validateLegalStepRecorder } from '../../../workflows/guardianship';
import type { InterventionState, LegalStep, LegalStepRecord } from '../../../workflows/intervention.definitions';
import { emptyIntervention } from '../../../workflows/intervention';

const cn = loadPolicyPack('cn-changning');
const ladder = cn.legalLadder!;
const actor = { userId: 'u-police', agencyId: 'cn.police.huayang' };
const at = '2026-01-01T00:00:00.000Z';
const now = Date.parse('2026-06-01T00:00:00.000Z');

const record = (step: LegalStep): LegalStepRecord => ({
  step,
  evidenceRef: `E-${step}`,
  occurredAt: at,
  recordedAt: at,
  recordedBy: actor,
});
const after = (...steps: LegalStep[]): InterventionState => ({ ...emptyIntervention(), legalSteps: steps.map(record) });
const step = (s: LegalStep) => ({ actor, step: s, evidenceRef: `E-${s}`, occurredAt: at });

function message(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a rung the ladder does not allow', () => {
  it('names the clause, the last rung, what the ladder allows and the quoted text', () => {
    expect(message(() => validateLegalStep(after('administrative_penalty'), step('written_warning'), now, cn))).toBe(
      `${ladder.clause}: written_warning cannot follow administrative_penalty; the ladder allows administrative_penalty or judicial_transfer (「${ladder.quote}」)`,
    );
  });

  it('says that nothing follows the transfer to the judicial organs', () => {
    expect(
      message(() =>
        validateLegalStep(after('criticism_education', 'judicial_transfer'), step('criticism_education'), now, cn),
      ),
    ).toBe(
      `${ladder.clause}: criticism_education cannot follow judicial_transfer; the ladder allows no further step (「${ladder.quote}」)`,
    );
  });
});

describe('who records a rung (recordedBy)', () => {
  it('lets an agency through when any one of its types is listed', () => {
    expect(
      message(() => validateLegalStepRecorder(cn, step('written_warning'), ['education', 'police_substation'])),
    ).toBe('accepted');
    expect(message(() => validateLegalStepRecorder(cn, step('judicial_transfer'), ['procuratorate']))).toBe('accepted');
  });

  it('refuses anyone else, naming who may record the rung and who tried', () => {
    expect(message(() => validateLegalStepRecorder(cn, step('written_warning'), ['education', 'civil_affairs']))).toBe(
      `${ladder.clause}: written_warning is recorded only by police_station, police_substation, not by education, civil_affairs`,
    );
    expect(message(() => validateLegalStepRecorder(cn, step('administrative_penalty'), []))).toBe(
      `${ladder.clause}: administrative_penalty is recorded only by police_station, police_substation, not by an agency outside this case`,
    );
  });
});
