/**
 * The pure rules about the guardian (workflows/guardianship.ts, CN 四(四)3): the legal ladder, the neglect clock's
 * validators and episode, and the grounds and petitioners. The case's update validators call these, so each
 * rejection here is what a caller sees before anything enters the workflow's history.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  allowedLegalSteps,
  defaultPetitionerAgency,
  groundClause,
  neglectClock,
  neglectEpisode,
  nextLegalStep,
  petitionerAgency,
  runningNeglect,
  validateGround,
  validateLegalStep,
  validateRefusal,
  validateResumed,
} from '../../../workflows/guardianship';
import {
  InterventionRejection,
  type InterventionState,
  type LegalStep,
  type LegalStepRecord,
  type NeglectEpisode,
} from '../../../workflows/intervention.definitions';
import { emptyIntervention } from '../../../workflows/intervention';
import type { PolicyPack } from '../../../policies/schema';
import { testAgencies, testPolicyPack } from '../../fixtures/policy-pack';

const actor = { userId: 'committee-1', agencyId: testAgencies.residents_committee };
const now = Date.parse('2026-06-01T00:00:00.000Z');
const iso = (s: string) => new Date(s).toISOString();

function state(partial: Partial<InterventionState> = {}): InterventionState {
  return { ...emptyIntervention(), ...partial };
}

function episode(since: string, end?: string): NeglectEpisode {
  return {
    since: iso(since),
    firesAt: iso('2027-01-01T00:00:00Z'),
    clause: 'CN 四(四)3',
    label: 'Refusal of guardianship duties',
    evidenceRef: 'ev-1',
    childWithoutMeansOfLiving: true,
    recordedAt: iso(since),
    recordedBy: actor,
    ...(end ? { end: { reason: 'resumed' as const, at: iso(end), evidenceRef: 'ev-r', recordedAt: iso(end) } } : {}),
  };
}

const steps = (...names: LegalStep[]): LegalStepRecord[] =>
  names.map((step) => ({
    step,
    evidenceRef: `ev-${step}`,
    occurredAt: iso('2026-01-01'),
    recordedAt: '',
    recordedBy: actor,
  }));

/** Runs `fn` and returns the rejection it throws (fails the test when it does not throw one). */
function rejection(fn: () => unknown): { type: string | undefined | null; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.nonRetryable).toBe(true);
    return { type: failure.type, message: failure.message };
  }
  throw new Error('expected a rejection, got none');
}

const refusal = (since: string, more: Record<string, unknown> = {}) => ({
  actor,
  since,
  evidenceRef: 'ev-2',
  childWithoutMeansOfLiving: true,
  ...more,
});

describe('the neglect clock: a refusal (CN 四(四)3 ground (b))', () => {
  it('accepts a first refusal dated in the past or now', () => {
    expect(() => validateRefusal(state(), refusal(iso('2026-01-01')), now)).not.toThrow();
    expect(() => validateRefusal(state(), refusal(new Date(now).toISOString()), now)).not.toThrow();
  });

  it('rejects a refusal while one is already on the clock, naming when it began', () => {
    const r = rejection(() =>
      validateRefusal(state({ neglect: [episode('2026-02-01')] }), refusal(iso('2026-03-01')), now),
    );
    expect(r.type).toBe(InterventionRejection.NeglectClockRunning);
    expect(r.message).toContain(iso('2026-02-01'));
  });

  it('rejects a new refusal that begins before the guardian resumed, and accepts one from the resumption on', () => {
    const iv = state({ neglect: [episode('2026-01-01', '2026-04-01')] });
    const r = rejection(() => validateRefusal(iv, refusal(iso('2026-03-31T23:59:59Z')), now));
    expect(r).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: `a new refusal cannot begin before the guardian resumed (${iso('2026-04-01')})`,
    });
    expect(() => validateRefusal(iv, refusal(iso('2026-04-01')), now)).not.toThrow();
    expect(() => validateRefusal(iv, refusal(iso('2026-05-01')), now)).not.toThrow();
  });

  it('measures against the last episode, not the first', () => {
    const iv = state({ neglect: [episode('2026-01-01', '2026-02-01'), episode('2026-03-01', '2026-04-01')] });
    expect(rejection(() => validateRefusal(iv, refusal(iso('2026-03-15')), now)).type).toBe(
      InterventionRejection.InvalidCommand,
    );
  });

  it('rejects missing evidence, an unsaid means of living, a bad or future instant', () => {
    expect(rejection(() => validateRefusal(state(), refusal(iso('2026-01-01'), { evidenceRef: ' ' }), now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'a recorded step needs its evidence reference',
    });
    expect(
      rejection(() =>
        validateRefusal(state(), refusal(iso('2026-01-01'), { childWithoutMeansOfLiving: undefined }) as never, now),
      ),
    ).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'say whether the child is without means of living',
    });
    expect(() =>
      validateRefusal(state(), refusal(iso('2026-01-01'), { childWithoutMeansOfLiving: false }), now),
    ).not.toThrow();
    expect(rejection(() => validateRefusal(state(), refusal('last spring'), now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'since must be an ISO instant',
    });
    expect(rejection(() => validateRefusal(state(), refusal(new Date(now + 1).toISOString()), now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'since cannot lie in the future',
    });
  });
});

describe('the neglect clock: the guardian resumes', () => {
  const resumed = (at: string | undefined, evidenceRef = 'ev-r') => ({ actor, at: at as string, evidenceRef });

  it('accepts a resumption at or after the refusal began', () => {
    const iv = state({ neglect: [episode('2026-02-01')] });
    expect(() => validateResumed(iv, resumed(iso('2026-02-01')), now)).not.toThrow();
    expect(() => validateResumed(iv, resumed(iso('2026-05-01')), now)).not.toThrow();
  });

  it('rejects a resumption before the refusal began, or when nothing is on the clock', () => {
    const iv = state({ neglect: [episode('2026-02-01')] });
    expect(rejection(() => validateResumed(iv, resumed(iso('2026-01-31T23:59:59Z')), now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: `the guardian cannot resume before the refusal began (${iso('2026-02-01')})`,
    });
    const ended = state({ neglect: [episode('2026-01-01', '2026-02-01')] });
    expect(rejection(() => validateResumed(ended, resumed(iso('2026-03-01')), now))).toEqual({
      type: InterventionRejection.NeglectClockNotRunning,
      message: 'no refusal of guardianship duties is on the clock',
    });
  });

  it('rejects a step whose evidence reference is missing altogether, as a rejection (not a crash)', () => {
    const iv = state({ neglect: [episode('2026-02-01')] });
    expect(rejection(() => validateResumed(iv, { actor, at: iso('2026-03-01') } as never, now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'a recorded step needs its evidence reference',
    });
  });

  it('rejects a resumption without evidence or instant', () => {
    const iv = state({ neglect: [episode('2026-02-01')] });
    expect(rejection(() => validateResumed(iv, resumed(iso('2026-03-01'), ''), now)).message).toBe(
      'a recorded step needs its evidence reference',
    );
    expect(rejection(() => validateResumed(iv, resumed(undefined), now)).message).toBe('at must be an ISO instant');
  });

  it('finds the running episode only among the unended ones', () => {
    expect(runningNeglect(undefined)).toBeUndefined();
    expect(runningNeglect(state({ neglect: [episode('2026-01-01', '2026-02-01')] }))).toBeUndefined();
    const running = episode('2026-03-01');
    expect(runningNeglect(state({ neglect: [episode('2026-01-01', '2026-02-01'), running] }))).toBe(running);
  });
});

describe('a neglect episode and its clock', () => {
  it('runs the full threshold from the refusal itself, with the clause and label of the pack', () => {
    const cmd = refusal('2026-01-31T08:00:00+08:00', { childWithoutMeansOfLiving: false });
    const e = neglectEpisode(testPolicyPack, cmd, '2026-05-01T00:00:00.000Z');
    expect(e).toEqual({
      since: '2026-01-31T00:00:00.000Z',
      firesAt: '2026-07-31T00:00:00.000Z',
      clause: 'CN 四(四)3',
      label: 'Refusal of guardianship duties',
      evidenceRef: 'ev-2',
      childWithoutMeansOfLiving: false,
      recordedAt: '2026-05-01T00:00:00.000Z',
      recordedBy: actor,
    });
    expect(neglectClock(e)).toEqual({
      id: 'neglect',
      label: 'Refusal of guardianship duties',
      clause: 'CN 四(四)3',
      startedAt: '2026-01-31T00:00:00.000Z',
      firesAt: '2026-07-31T00:00:00.000Z',
    });
  });
});

describe('the legal ladder (CN 四(四)3)', () => {
  it('opens with criticism, a warning or a transfer; climbs from a warning; ends at the transfer', () => {
    expect(allowedLegalSteps([])).toEqual(['criticism_education', 'written_warning', 'judicial_transfer']);
    expect(allowedLegalSteps(steps('criticism_education'))).toEqual([
      'criticism_education',
      'written_warning',
      'judicial_transfer',
    ]);
    expect(allowedLegalSteps(steps('written_warning'))).toEqual(['administrative_penalty', 'judicial_transfer']);
    expect(allowedLegalSteps(steps('written_warning', 'administrative_penalty'))).toEqual([
      'administrative_penalty',
      'judicial_transfer',
    ]);
    expect(allowedLegalSteps(steps('criticism_education', 'judicial_transfer'))).toEqual([]);
  });

  it('names the next rung, and none at the top', () => {
    expect(nextLegalStep([])).toBe('criticism_education');
    expect(nextLegalStep(steps('criticism_education'))).toBe('written_warning');
    expect(nextLegalStep(steps('written_warning'))).toBe('administrative_penalty');
    expect(nextLegalStep(steps('written_warning', 'administrative_penalty'))).toBe('judicial_transfer');
    expect(nextLegalStep(steps('judicial_transfer'))).toBeUndefined();
  });

  const step = (name: string, more: Record<string, unknown> = {}) =>
    ({ actor, step: name, evidenceRef: 'ev', occurredAt: iso('2026-05-01'), ...more }) as never;

  it('accepts a step the ladder allows', () => {
    expect(() => validateLegalStep(state(), step('written_warning'), now)).not.toThrow();
    expect(() =>
      validateLegalStep(state({ legalSteps: steps('written_warning') }), step('administrative_penalty'), now),
    ).not.toThrow();
  });

  it('rejects a penalty without a prior warning, with the reason', () => {
    const r = rejection(() =>
      validateLegalStep(state({ legalSteps: steps('criticism_education') }), step('administrative_penalty'), now),
    );
    expect(r).toEqual({
      type: InterventionRejection.IllegalLegalStep,
      message:
        'CN 四(四)3: administrative_penalty cannot follow criticism_education: an administrative penalty follows only infringement continued after a written warning (告诫书)',
    });
    expect(rejection(() => validateLegalStep(state(), step('administrative_penalty'), now)).message).toBe(
      'CN 四(四)3: administrative_penalty cannot follow none: an administrative penalty follows only infringement continued after a written warning (告诫书)',
    );
  });

  it('rejects a step back down or past the top, naming what the ladder allows', () => {
    expect(
      rejection(() =>
        validateLegalStep(state({ legalSteps: steps('written_warning') }), step('criticism_education'), now),
      ),
    ).toEqual({
      type: InterventionRejection.IllegalLegalStep,
      message:
        'CN 四(四)3: criticism_education cannot follow written_warning: after written_warning the ladder allows administrative_penalty or judicial_transfer',
    });
    expect(
      rejection(() =>
        validateLegalStep(state({ legalSteps: steps('judicial_transfer') }), step('written_warning'), now),
      ).message,
    ).toBe(
      'CN 四(四)3: written_warning cannot follow judicial_transfer: after judicial_transfer the ladder allows no further step',
    );
  });

  it('names the ladder, not the warning, when a penalty comes after the transfer', () => {
    const iv = state({ legalSteps: steps('written_warning', 'judicial_transfer') });
    expect(rejection(() => validateLegalStep(iv, step('administrative_penalty'), now)).message).toBe(
      'CN 四(四)3: administrative_penalty cannot follow judicial_transfer: after judicial_transfer the ladder allows no further step',
    );
  });

  it('rejects an unknown step, missing evidence and a future instant', () => {
    expect(rejection(() => validateLegalStep(state(), step('flogging'), now))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'unknown legal step flogging',
    });
    expect(rejection(() => validateLegalStep(state(), step('written_warning', { evidenceRef: '' }), now)).message).toBe(
      'a recorded step needs its evidence reference',
    );
    expect(
      rejection(() => validateLegalStep(state(), step('written_warning', { occurredAt: '2027-01-01T00:00:00Z' }), now))
        .message,
    ).toBe('occurredAt cannot lie in the future');
  });
});

describe('grounds and petitioners (CN 四(四)3)', () => {
  const agencies = { ...testAgencies };
  const ground = (name: string, more: Record<string, unknown> = {}) =>
    ({ actor, ground: name, evidenceRef: 'ev', ...more }) as never;

  it('petitions through civil affairs by default, else the street office', () => {
    expect(validateGround(testPolicyPack, agencies, state(), ground('serious_harm'))).toBe(testAgencies.civil_affairs);
    expect(defaultPetitionerAgency({ street_office: 'street-9' })).toBe('street-9');
    expect(defaultPetitionerAgency({})).toBeUndefined();
    expect(rejection(() => validateGround(testPolicyPack, {}, state(), ground('serious_harm')))).toEqual({
      type: InterventionRejection.UnknownPetitioner,
      message: 'this case has no civil affairs or street office to petition',
    });
  });

  it('resolves a named petitioner to the case agency of its type', () => {
    expect(
      validateGround(testPolicyPack, agencies, state(), ground('serious_harm', { petitioner: 'residents_committee' })),
    ).toBe(testAgencies.residents_committee);
    expect(petitionerAgency(testPolicyPack, agencies)).toBe(testAgencies.civil_affairs);
  });

  it('refuses a petitioner the pack does not list, one that petitions in person, and one the case lacks', () => {
    const unknown = rejection(() => petitionerAgency(testPolicyPack, agencies, 'neighbour'));
    expect(unknown.type).toBe(InterventionRejection.UnknownPetitioner);
    expect(unknown.message).toMatch(
      /^CN 四\(四\)3: neighbour may not petition; the pack allows near_relative, residents_committee, civil_affairs/,
    );
    expect(rejection(() => petitionerAgency(testPolicyPack, agencies, 'near_relative'))).toEqual({
      type: InterventionRejection.UnknownPetitioner,
      message: 'Close relatives petition the court themselves; the case tracks agency petitions',
    });
    expect(rejection(() => petitionerAgency(testPolicyPack, agencies, 'school'))).toEqual({
      type: InterventionRejection.UnknownPetitioner,
      message: 'this case has no responsible school',
    });
  });

  it('rejects a ground the pack does not have, or without evidence', () => {
    expect(rejection(() => validateGround(testPolicyPack, agencies, state(), ground('bad_haircut')))).toEqual({
      type: InterventionRejection.InvalidCommand,
      message: 'bad_haircut is not a ground of this pack',
    });
    const narrow: PolicyPack = {
      ...testPolicyPack,
      guardianshipRevocation: {
        ...testPolicyPack.guardianshipRevocation,
        grounds: testPolicyPack.guardianshipRevocation.grounds.filter((g) => g.code !== 'other_statutory'),
      },
    };
    expect(rejection(() => validateGround(narrow, agencies, state(), ground('other_statutory'))).type).toBe(
      InterventionRejection.InvalidCommand,
    );
    expect(
      rejection(() => validateGround(testPolicyPack, agencies, state(), ground('serious_harm', { evidenceRef: '' })))
        .message,
    ).toBe('a recorded step needs its evidence reference');
  });

  it('takes ground (a) only after education or a warning, and ground (b) only after the threshold', () => {
    const a = rejection(() => validateGround(testPolicyPack, agencies, state(), ground('unattended_in_danger')));
    expect(a.type).toBe(InterventionRejection.GroundNotMet);
    expect(a.message).toMatch(/^CN 四\(四\)3 \(a\)/);
    for (const first of ['criticism_education', 'written_warning'] as const)
      expect(
        validateGround(testPolicyPack, agencies, state({ legalSteps: steps(first) }), ground('unattended_in_danger')),
      ).toBe(testAgencies.civil_affairs);
    expect(
      rejection(() =>
        validateGround(
          testPolicyPack,
          agencies,
          state({ legalSteps: steps('judicial_transfer') }),
          ground('unattended_in_danger'),
        ),
      ).type,
    ).toBe(InterventionRejection.GroundNotMet);

    const b = rejection(() =>
      validateGround(
        testPolicyPack,
        agencies,
        state({ neglect: [episode('2026-01-01')] }),
        ground('refused_duties_six_months'),
      ),
    );
    expect(b).toEqual({
      type: InterventionRejection.GroundNotMet,
      message: 'CN 四(四)3 (b): the refusal has not lasted P6M yet',
    });
    const reached = { ...episode('2025-01-01', '2025-08-01'), thresholdReachedAt: iso('2025-07-01') };
    // One refusal that lasted the threshold is enough, even when a later one (after a resumption) has not yet.
    expect(
      validateGround(
        testPolicyPack,
        agencies,
        state({ neglect: [reached, episode('2026-01-01')] }),
        ground('refused_duties_six_months'),
      ),
    ).toBe(testAgencies.civil_affairs);
    expect(
      validateGround(testPolicyPack, agencies, state({ neglect: [reached] }), ground('refused_duties_six_months')),
    ).toBe(testAgencies.civil_affairs);
  });

  it("cites the ground's own clause, or the pack's when the ground has none listed", () => {
    const pack: PolicyPack = {
      ...testPolicyPack,
      guardianshipRevocation: {
        ...testPolicyPack.guardianshipRevocation,
        clause: 'FT 三(三)2(5)',
        grounds: [{ ...testPolicyPack.guardianshipRevocation.grounds[0], clause: 'CN 四(四)3 (a)' }],
      },
    };
    expect(groundClause(pack, 'unattended_in_danger')).toBe('CN 四(四)3 (a)');
    expect(groundClause(pack, 'serious_harm')).toBe('FT 三(三)2(5)');
  });
});
