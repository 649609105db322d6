/**
 * Pure rules about the guardian (CN 四(四)3, FT 三(三)2(5)): the legal ladder, the neglect clock, and the grounds on
 * which a petition to revoke guardianship opens. Used by the case's update validators (so an illegal move is rejected
 * with a reason before it enters history) and by its main loop. No I/O, no workflow APIs beyond ApplicationFailure.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { GroundCondition, LegalLadder, PolicyPack } from '../policies/schema';
import { deadlineFrom } from './clocks';
import type { Clock, ResponsibleAgencies } from './definitions';
import {
  InterventionRejection,
  LEGAL_STEPS,
  REVOCATION_GROUNDS,
  type InterventionState,
  type LegalStep,
  type LegalStepRecord,
  type NeglectEpisode,
  type RecordGuardianRefusalCommand,
  type RecordGuardianResumedCommand,
  type RecordHarmGroundCommand,
  type RecordLegalStepCommand,
  type RevocationGround,
} from './intervention.definitions';

export function reject(message: string, type: InterventionRejection): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true });
}

function assertInstant(value: string | undefined, name: string, now: number): number {
  const at = value === undefined ? Number.NaN : Date.parse(value);
  if (Number.isNaN(at)) reject(`${name} must be an ISO instant`, InterventionRejection.InvalidCommand);
  if (at > now) reject(`${name} cannot lie in the future`, InterventionRejection.InvalidCommand);
  return at;
}

function assertEvidence(evidenceRef: string | undefined): void {
  if (!evidenceRef?.trim())
    reject('a recorded step needs its evidence reference', InterventionRejection.InvalidCommand);
}

// ── Legal ladder (CN 四(四)3) ─────────────────────────────────────────────────────────────────────────────────────

/**
 * The ladder a case follows: its pack's `legalLadder` (from pack 1.1.0), else the 1.0.0 reading below, kept unchanged
 * for cases pinned to a 1.0.0 pack.
 *
 * 1.0.0 reading: minor violence, abuse or abandonment → criticism and education, or a written warning (告诫书);
 * infringement continuing after the warning → administrative penalty; a suspected crime → transfer to judicial organs.
 * A suspected crime can surface at any rung, so the transfer is always open until it has happened; otherwise the
 * ladder only climbs (a penalty needs a prior warning; no step back down).
 *
 * 1.1.0 reading (CN 四(四)3 as written): 批评教育 **or** 告诫书 is for mild cases; a penalty follows either of them, and
 * a graver case may be penalised from the start. The pack holds the transitions.
 */
export function allowedLegalSteps(steps: LegalStepRecord[], ladder?: LegalLadder): LegalStep[] {
  const last = steps.at(-1)?.step;
  if (ladder) return last === undefined ? [...ladder.first] : [...ladder.after[last]];
  switch (last) {
    case undefined:
    case 'criticism_education':
      return ['criticism_education', 'written_warning', 'judicial_transfer'];
    case 'written_warning':
    case 'administrative_penalty':
      return ['administrative_penalty', 'judicial_transfer'];
    case 'judicial_transfer':
      return [];
  }
}

/** The rung the ladder climbs to next (shown in the case status), or undefined at the top. */
export function nextLegalStep(steps: LegalStepRecord[]): LegalStep | undefined {
  const last = steps.at(-1)?.step;
  return last === undefined ? LEGAL_STEPS[0] : LEGAL_STEPS[LEGAL_STEPS.indexOf(last) + 1];
}

export function validateLegalStep(
  iv: InterventionState,
  cmd: RecordLegalStepCommand,
  now: number,
  pack?: Pick<PolicyPack, 'legalLadder'>,
): void {
  if (!(LEGAL_STEPS as readonly string[]).includes(cmd.step))
    reject(`unknown legal step ${String(cmd.step)}`, InterventionRejection.InvalidCommand);
  assertEvidence(cmd.evidenceRef);
  assertInstant(cmd.occurredAt, 'occurredAt', now);
  const ladder = pack?.legalLadder;
  const allowed = allowedLegalSteps(iv.legalSteps, ladder);
  if (ladder && !allowed.includes(cmd.step)) {
    const last = iv.legalSteps.at(-1)?.step ?? 'none';
    reject(
      `${ladder.clause}: ${cmd.step} cannot follow ${last}; the ladder allows ${allowed.join(' or ') || 'no further step'} (「${ladder.quote}」)`,
      InterventionRejection.IllegalLegalStep,
    );
  }
  if (!allowed.includes(cmd.step)) {
    const last = iv.legalSteps.at(-1)?.step ?? 'none';
    const why =
      cmd.step === 'administrative_penalty' && !iv.legalSteps.some((s) => s.step === 'written_warning')
        ? 'an administrative penalty follows only infringement continued after a written warning (告诫书)'
        : `after ${last} the ladder allows ${allowed.join(' or ') || 'no further step'}`;
    reject(`CN 四(四)3: ${cmd.step} cannot follow ${last}: ${why}`, InterventionRejection.IllegalLegalStep);
  }
}

/**
 * CN 四(四)3: who may record each rung, enforced in the workflow as well as the API. Only the police give criticism, a
 * written warning or a penalty; the police or the procuratorate transfer to the judicial organs (the pack's
 * `legalLadder.recordedBy`). `actorTypes` are the types of the caller's agency. A 1.0.0 pack (no ladder) had no such
 * check in the workflow, and cases pinned to it keep that.
 */
export function validateLegalStepRecorder(
  pack: Pick<PolicyPack, 'legalLadder'>,
  cmd: Pick<RecordLegalStepCommand, 'step'>,
  actorTypes: readonly string[],
): void {
  const ladder = pack.legalLadder;
  if (!ladder) return;
  const allowed: readonly string[] = ladder.recordedBy[cmd.step] ?? [];
  if (!actorTypes.some((t) => allowed.includes(t))) {
    reject(
      `${ladder.clause}: ${cmd.step} is recorded only by ${allowed.join(', ')}, not by ${actorTypes.join(', ') || 'an agency outside this case'}`,
      InterventionRejection.NotLegalStepRecorder,
    );
  }
}

/** The types of the caller's agency: the one the API read from the directory, else those this case maps it to. */
export function actorAgencyTypes(
  cmd: Pick<RecordLegalStepCommand, 'actor' | 'agencyType'>,
  agencies: ResponsibleAgencies,
): string[] {
  if (cmd.agencyType) return [cmd.agencyType];
  return Object.entries(agencies)
    .filter(([, id]) => id === cmd.actor.agencyId)
    .map(([type]) => type);
}

// ── Neglect clock (CN 四(四)3 ground (b)) ────────────────────────────────────────────────────────────────────────

export function runningNeglect(iv: InterventionState | undefined): NeglectEpisode | undefined {
  return iv?.neglect.find((e) => !e.end);
}

export function validateRefusal(iv: InterventionState, cmd: RecordGuardianRefusalCommand, now: number): void {
  assertEvidence(cmd.evidenceRef);
  if (typeof cmd.childWithoutMeansOfLiving !== 'boolean')
    reject('say whether the child is without means of living', InterventionRejection.InvalidCommand);
  const since = assertInstant(cmd.since, 'since', now);
  const running = runningNeglect(iv);
  if (running)
    reject(`a refusal since ${running.since} is already on the clock`, InterventionRejection.NeglectClockRunning);
  const lastEnd = iv.neglect.at(-1)?.end?.at;
  if (lastEnd && since < Date.parse(lastEnd))
    reject(`a new refusal cannot begin before the guardian resumed (${lastEnd})`, InterventionRejection.InvalidCommand);
}

export function validateResumed(iv: InterventionState, cmd: RecordGuardianResumedCommand, now: number): void {
  assertEvidence(cmd.evidenceRef);
  const at = assertInstant(cmd.at, 'at', now);
  const running = runningNeglect(iv);
  if (!running)
    reject('no refusal of guardianship duties is on the clock', InterventionRejection.NeglectClockNotRunning);
  if (at < Date.parse(running.since))
    reject(
      `the guardian cannot resume before the refusal began (${running.since})`,
      InterventionRejection.InvalidCommand,
    );
}

export function neglectEpisode(
  pack: PolicyPack,
  cmd: RecordGuardianRefusalCommand,
  recordedAt: string,
): NeglectEpisode {
  return {
    since: new Date(cmd.since).toISOString(),
    // A new refusal always gets the full threshold from its own start (CN 四(四)3: "6 months or more").
    firesAt: deadlineFrom(cmd.since, pack.neglectThreshold).toISOString(),
    clause: pack.neglectThreshold.clause,
    label: pack.neglectThreshold.label.en,
    evidenceRef: cmd.evidenceRef,
    childWithoutMeansOfLiving: cmd.childWithoutMeansOfLiving,
    recordedAt,
    recordedBy: cmd.actor,
  };
}

export function neglectClock(episode: NeglectEpisode): Clock {
  return {
    id: 'neglect',
    label: episode.label,
    clause: episode.clause,
    startedAt: episode.since,
    firesAt: episode.firesAt,
  };
}

// ── Grounds and petitioners ───────────────────────────────────────────────────────────────────────────────────────

/** The petitioner's agency: the pack's petitioner by code (civil affairs by default), resolved to this case's agency. */
export function petitionerAgency(pack: PolicyPack, agencies: ResponsibleAgencies, code = 'civil_affairs'): string {
  const petitioner = pack.guardianshipRevocation.petitioners.find((p) => p.code === code);
  if (!petitioner) {
    reject(
      `${pack.guardianshipRevocation.clause}: ${code} may not petition; the pack allows ${pack.guardianshipRevocation.petitioners.map((p) => p.code).join(', ')}`,
      InterventionRejection.UnknownPetitioner,
    );
  }
  if (!petitioner.agencyType)
    reject(
      `${petitioner.label.en} petition the court themselves; the case tracks agency petitions`,
      InterventionRejection.UnknownPetitioner,
    );
  const agencyId = agencies[petitioner.agencyType];
  if (!agencyId)
    reject(`this case has no responsible ${petitioner.agencyType}`, InterventionRejection.UnknownPetitioner);
  return agencyId;
}

/** The petitioner when none is named: civil affairs (CN 四(四)3), else the street office ("one door", FT 三(二)5). */
export function defaultPetitionerAgency(agencies: ResponsibleAgencies): string | undefined {
  return agencies.civil_affairs ?? agencies.street_office;
}

export function groundClause(pack: PolicyPack, ground: RevocationGround): string {
  return (
    pack.guardianshipRevocation.grounds.find((g) => g.code === ground)?.clause ?? pack.guardianshipRevocation.clause
  );
}

/** Whether a condition a ground requires is on record (CN 四(四)3). */
function conditionMet(iv: InterventionState, condition: GroundCondition): boolean {
  switch (condition) {
    case 'education_on_record':
      return iv.legalSteps.some((s) => s.step === 'criticism_education' || s.step === 'written_warning');
    case 'neglect_threshold_reached':
      return iv.neglect.some((e) => e.thresholdReachedAt);
    case 'child_without_means_of_living':
      // The same refusal that lasted the threshold left the child without means of living.
      return iv.neglect.some((e) => e.thresholdReachedAt && e.childWithoutMeansOfLiving);
  }
}

const CONDITION_WORDS: Record<GroundCondition, string> = {
  education_on_record: 'record the criticism and education or the written warning first ("经教育不改")',
  neglect_threshold_reached: 'the refusal of duties has not lasted the threshold yet ("6个月以上")',
  child_without_means_of_living:
    'no refusal that lasted the threshold left the child without means of living ("导致儿童生活无着")',
};

export function validateGround(
  pack: PolicyPack,
  agencies: ResponsibleAgencies,
  iv: InterventionState,
  cmd: RecordHarmGroundCommand,
): string {
  const rule = pack.guardianshipRevocation.grounds.find((g) => g.code === cmd.ground);
  if (!(REVOCATION_GROUNDS as readonly string[]).includes(cmd.ground) || !rule) {
    reject(`${String(cmd.ground)} is not a ground of this pack`, InterventionRejection.InvalidCommand);
  }
  assertEvidence(cmd.evidenceRef);
  if (rule.requires) {
    // From pack 1.1.0 the pack says what each ground needs on record.
    const unmet = rule.requires.filter((c) => !conditionMet(iv, c));
    if (unmet.length > 0)
      reject(`${rule.clause}: ${unmet.map((c) => CONDITION_WORDS[c]).join('; ')}`, InterventionRejection.GroundNotMet);
  } else {
    // A 1.0.0 pack: the checks as they were when it was released.
    if (
      cmd.ground === 'unattended_in_danger' &&
      !iv.legalSteps.some((s) => s.step === 'criticism_education' || s.step === 'written_warning')
    ) {
      // Ground (a) is "unchanged after education": the education or warning must be on record first.
      reject(
        'CN 四(四)3 (a): record the criticism and education or the written warning first; the ground is "unchanged after education"',
        InterventionRejection.GroundNotMet,
      );
    }
    if (cmd.ground === 'refused_duties_six_months' && !iv.neglect.some((e) => e.thresholdReachedAt)) {
      reject(
        `CN 四(四)3 (b): the refusal has not lasted ${pack.neglectThreshold.duration} yet`,
        InterventionRejection.GroundNotMet,
      );
    }
  }
  const agencyId =
    cmd.petitioner === undefined ? defaultPetitionerAgency(agencies) : petitionerAgency(pack, agencies, cmd.petitioner);
  if (!agencyId)
    reject('this case has no civil affairs or street office to petition', InterventionRejection.UnknownPetitioner);
  return agencyId;
}
