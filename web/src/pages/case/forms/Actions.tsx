/**
 * The commands each role may give from the case page, by section (./../actions.tsx places them): placement decisions
 * at the cap, extensions and the police certificate (CN 四(三)); legal steps (police; the judicial transfer also the
 * procuratorate, CN 四(四)3); the guardian's refusal and resumption (the 6-month clock) and revocation grounds;
 * services (CN 四(四)); closure and reopening (coordinators); sealing the juvenile record (court, FT 三(三)2(5)).
 * A form is shown only to a role the API would let through; the workflow still decides and its refusal is shown.
 */
import { api } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { isCoordinatorRole } from '../../../../../contracts/roles';
import { LEGAL_STEPS, REVOCATION_GROUNDS, SERVICE_KINDS } from '../../../../../contracts/enums';
import type { PlacementDecision } from '../../../../../contracts/interventions';
import { PERMANENT_ARRANGEMENTS, type PermanentArrangement } from '../../../../../contracts/outcomes';
import { useCase } from '../context';
import {
  CheckControl,
  ChecksControl,
  CommandForm,
  DateTimeControl,
  EvidenceControl,
  SelectControl,
  TextControl,
  instantOf,
  needPastInstant,
  needText,
  text,
  type Values,
} from './CommandForm';
import { caseFacts, isPoliceType, useAgencyType, type PlacementFacts } from './facts';
import { W, type Words } from './words';

type Problems = Record<string, Words>;

function useViewer() {
  const { view, user } = useCase();
  const agencyType = useAgencyType(user.jurisdiction.districtCode, user.agencyCode);
  return {
    view,
    user,
    facts: caseFacts(view),
    coordinator: isCoordinatorRole(user.role),
    police: isPoliceType(agencyType),
    court: user.role === 'court_staff',
    procuratorate: user.role === 'procuratorate_staff',
  };
}

/** The local time of now as a datetime-local value (the browser's zone: China time for our users). */
function nowLocal(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

// ── Placements (CN 四(三)) ────────────────────────────────────────────────────────────────────────────────────────

function decisionOf(values: Values): PlacementDecision | undefined {
  switch (text(values.kind)) {
    case 'return_home':
      return { kind: 'return_home', assessmentRef: text(values.assessmentRef).trim() };
    case 'move_to_long_term':
      return { kind: 'move_to_long_term' };
    case 'escort_to_registration_place':
      return { kind: 'escort_to_registration_place', registrationPlace: text(values.registrationPlace).trim() };
    case 'new_guardian':
      return { kind: 'new_guardian', courtRef: text(values.courtRef).trim() };
    case 'permanent_arrangement': {
      const courtRef = text(values.courtRef).trim();
      return {
        kind: 'permanent_arrangement',
        arrangement: text(values.arrangement) as PermanentArrangement,
        ...(courtRef ? { courtRef } : {}),
      };
    }
    default:
      return undefined;
  }
}

function PlacementCommands({ placement, index }: { placement: PlacementFacts; index: number }) {
  const { user, facts, coordinator, police } = useViewer();
  const { caseId } = facts;
  const responsible = placement.agencyCode ? placement.agencyCode === user.agencyCode : !police;
  const kinds =
    placement.term === 'short_term'
      ? Object.keys(W.decisionKinds)
      : Object.keys(W.decisionKinds).filter((k) => k !== 'move_to_long_term');
  return (
    <div className="placement-commands" data-placement={placement.placementId}>
      {coordinator || responsible ? (
        <CommandForm
          id={`decision-${index}`}
          title={W.decisionTitle}
          hint={W.decisionHint}
          submit={W.decisionSubmit}
          initial={facts.returnAssessmentRef ? { assessmentRef: facts.returnAssessmentRef } : {}}
          validate={(v) => {
            const out: Problems = {};
            const kind = text(v.kind);
            if (!kind) out.kind = W.required;
            if (kind === 'return_home') needText(v, 'assessmentRef', out);
            if (kind === 'escort_to_registration_place') needText(v, 'registrationPlace', out);
            if (kind === 'new_guardian') needText(v, 'courtRef', out);
            if (kind === 'permanent_arrangement' && !text(v.arrangement)) out.arrangement = W.required;
            if (text(v.reason).trim()) needText(v, 'reason', out, 2);
            return out;
          }}
          send={(v) =>
            api.interventions.placementDecision(caseId, placement.placementId, {
              decision: decisionOf(v)!,
              ...(text(v.reason).trim() ? { reason: text(v.reason).trim() } : {}),
            })
          }
        >
          {(f) => (
            <>
              <SelectControl
                {...f}
                name="kind"
                label={W.decisionKind}
                required
                options={kinds.map((k) => [k, W.decisionKinds[k]!] as const)}
              />
              {text(f.values.kind) === 'return_home' ? (
                <TextControl {...f} name="assessmentRef" label={W.assessmentRef} required />
              ) : null}
              {text(f.values.kind) === 'escort_to_registration_place' ? (
                <TextControl {...f} name="registrationPlace" label={W.registrationPlace} required />
              ) : null}
              {text(f.values.kind) === 'new_guardian' ? (
                <TextControl {...f} name="courtRef" label={W.courtRef} required />
              ) : null}
              {text(f.values.kind) === 'permanent_arrangement' ? (
                <>
                  <SelectControl
                    {...f}
                    name="arrangement"
                    label={W.arrangement}
                    required
                    hint={W.arrangementHint}
                    options={PERMANENT_ARRANGEMENTS.map((k) => [k, W.arrangements[k]!] as const)}
                  />
                  <TextControl {...f} name="courtRef" label={W.arrangementCourtRef} />
                </>
              ) : null}
              <TextControl {...f} name="reason" label={W.reason} multiline />
            </>
          )}
        </CommandForm>
      ) : null}
      {coordinator ? (
        <CommandForm
          id={`extension-${index}`}
          title={W.extensionTitle}
          submit={W.extensionSubmit}
          validate={(v) => {
            const out: Problems = {};
            const days = Number(text(v.days));
            if (!text(v.days)) out.days = W.required;
            else if (!Number.isInteger(days) || days < 1 || days > 180) out.days = W.extendDaysInvalid;
            needText(v, 'reason', out, 2);
            return out;
          }}
          send={(v) =>
            api.interventions.extension(caseId, placement.placementId, {
              extendBy: `P${Number(text(v.days))}D`,
              reason: text(v.reason).trim(),
            })
          }
        >
          {(f) => (
            <>
              <TextControl {...f} name="days" label={W.extendDays} required />
              <TextControl {...f} name="reason" label={W.reason} required multiline />
            </>
          )}
        </CommandForm>
      ) : null}
      {police && placement.term === 'short_term' && !placement.hasCertificate ? (
        <CommandForm
          id={`certificate-${index}`}
          title={W.certificateTitle}
          hint={W.certificateHint}
          submit={W.certificateSubmit}
          initial={{ issuedAt: nowLocal() }}
          validate={(v) => {
            const out: Problems = {};
            needText(v, 'certificateRef', out);
            needPastInstant(v, 'issuedAt', out);
            return out;
          }}
          send={(v) =>
            api.interventions.policeCertificate(caseId, placement.placementId, {
              certificateRef: text(v.certificateRef).trim(),
              issuedAt: instantOf(v.issuedAt)!,
            })
          }
        >
          {(f) => (
            <>
              <EvidenceControl {...f} name="certificateRef" label={W.certificateRef} required />
              <DateTimeControl {...f} name="issuedAt" label={W.issuedAt} required />
            </>
          )}
        </CommandForm>
      ) : null}
    </div>
  );
}

export function PlacementActions() {
  const { facts } = useViewer();
  const running = facts.placements.filter((p) => p.running);
  if (running.length === 0) return null;
  return (
    <>
      {running.map((p, i) => (
        <PlacementCommands key={p.placementId} placement={p} index={i} />
      ))}
    </>
  );
}

// ── Legal ladder (CN 四(四)3) ─────────────────────────────────────────────────────────────────────────────────────

export function LegalActions() {
  const { facts, police, procuratorate } = useViewer();
  if (facts.closed || !(police || procuratorate)) return null;
  // CN 四(四)3: the police give criticism, a warning or a penalty; the police or the procuratorate transfer.
  const steps = police ? LEGAL_STEPS : (['judicial_transfer'] as const);
  return (
    <CommandForm
      id="legal-step"
      title={W.legalTitle}
      hint={W.legalHint}
      submit={W.legalSubmit}
      initial={{ occurredAt: nowLocal() }}
      validate={(v) => {
        const out: Problems = {};
        if (!text(v.step)) out.step = W.required;
        needText(v, 'evidenceRef', out);
        needPastInstant(v, 'occurredAt', out);
        return out;
      }}
      send={(v) =>
        api.interventions.legalStep(facts.caseId, {
          step: text(v.step) as (typeof LEGAL_STEPS)[number],
          evidenceRef: text(v.evidenceRef).trim(),
          occurredAt: instantOf(v.occurredAt)!,
        })
      }
    >
      {(f) => (
        <>
          <SelectControl
            {...f}
            name="step"
            label={W.legalStep}
            required
            options={steps.map((s) => [s, W.legalSteps[s]] as const)}
          />
          <EvidenceControl {...f} name="evidenceRef" label={W.evidenceRef} required />
          <DateTimeControl {...f} name="occurredAt" label={W.occurredAt} required />
        </>
      )}
    </CommandForm>
  );
}

// ── The guardian: neglect clock (CN 四(四)3) ──────────────────────────────────────────────────────────────────────

export function NeglectActions() {
  const { facts, court, procuratorate } = useViewer();
  if (facts.closed || court || procuratorate) return null;
  return facts.neglectRunning ? (
    <CommandForm
      id="guardian-resumed"
      title={W.resumedTitle}
      submit={W.resumedSubmit}
      initial={{ at: nowLocal() }}
      validate={(v) => {
        const out: Problems = {};
        needPastInstant(v, 'at', out);
        needText(v, 'evidenceRef', out);
        return out;
      }}
      send={(v) =>
        api.interventions.guardianResumed(facts.caseId, {
          at: instantOf(v.at)!,
          evidenceRef: text(v.evidenceRef).trim(),
        })
      }
    >
      {(f) => (
        <>
          <DateTimeControl {...f} name="at" label={W.resumedAt} required />
          <EvidenceControl {...f} name="evidenceRef" label={W.evidenceRef} required />
        </>
      )}
    </CommandForm>
  ) : (
    <CommandForm
      id="guardian-refusal"
      title={W.refusalTitle}
      hint={W.refusalHint}
      submit={W.refusalSubmit}
      validate={(v) => {
        const out: Problems = {};
        needPastInstant(v, 'since', out);
        needText(v, 'evidenceRef', out);
        return out;
      }}
      send={(v) =>
        api.interventions.guardianRefusal(facts.caseId, {
          since: instantOf(v.since)!,
          evidenceRef: text(v.evidenceRef).trim(),
          childWithoutMeansOfLiving: v.withoutMeans === true,
        })
      }
    >
      {(f) => (
        <>
          <DateTimeControl {...f} name="since" label={W.since} required />
          <EvidenceControl {...f} name="evidenceRef" label={W.evidenceRef} required />
          <CheckControl {...f} name="withoutMeans" label={W.withoutMeans} />
        </>
      )}
    </CommandForm>
  );
}

// ── Revocation grounds and the court's seal (CN 四(四)3, FT 三(三)2(5)) ─────────────────────────────────────────

export function CourtActions() {
  const { facts, court, procuratorate } = useViewer();
  return (
    <>
      {!facts.closed && !court && !procuratorate ? (
        <CommandForm
          id="revocation-ground"
          title={W.groundTitle}
          hint={W.groundHint}
          submit={W.groundSubmit}
          validate={(v) => {
            const out: Problems = {};
            if (!text(v.ground)) out.ground = W.required;
            needText(v, 'evidenceRef', out);
            return out;
          }}
          send={(v) =>
            api.interventions.revocationGround(facts.caseId, {
              ground: text(v.ground) as (typeof REVOCATION_GROUNDS)[number],
              evidenceRef: text(v.evidenceRef).trim(),
            })
          }
        >
          {(f) => (
            <>
              <SelectControl
                {...f}
                name="ground"
                label={W.ground}
                required
                options={REVOCATION_GROUNDS.map((g) => [g, W.grounds[g]] as const)}
              />
              <EvidenceControl {...f} name="evidenceRef" label={W.evidenceRef} required />
            </>
          )}
        </CommandForm>
      ) : null}
      {court ? <SealCommand /> : null}
    </>
  );
}

function SealCommand() {
  const { facts } = useViewer();
  const sealing = !facts.recordSealed;
  return (
    <CommandForm
      key={sealing ? 'seal' : 'unseal'}
      id={sealing ? 'seal' : 'unseal'}
      title={sealing ? W.sealTitle : W.unsealTitle}
      hint={W.sealHint}
      submit={sealing ? W.sealSubmit : W.unsealSubmit}
      validate={(v) => {
        const out: Problems = {};
        needText(v, 'courtRef', out);
        needText(v, 'reason', out, 2);
        return out;
      }}
      send={(v) =>
        api.interventions.recordSeal(facts.caseId, {
          sealed: sealing,
          courtRef: text(v.courtRef).trim(),
          reason: text(v.reason).trim(),
        })
      }
    >
      {(f) => (
        <>
          <EvidenceControl {...f} name="courtRef" label={W.sealRef} required />
          <TextControl {...f} name="reason" label={W.reason} required multiline />
        </>
      )}
    </CommandForm>
  );
}

/** Shown in the child's section when the file is withheld because the record is sealed. */
export function SealedNote() {
  const { pick } = useI18n();
  const { view } = useCase();
  // A case worker who sees the case may read its child's file unless the record is sealed (permissions.ts), so a file
  // withheld from a case with a child is a sealed one.
  const withheld = view.case.childId !== null && Object.keys(view.child).length === 0;
  const flags = (view.child as { flags?: { recordSealed?: boolean } }).flags;
  if (!withheld && !flags?.recordSealed) return null;
  return (
    <p className="notice" data-testid="sealed-note">
      {pick(W.sealedNote)}
    </p>
  );
}

// ── Services (CN 四(四)) ──────────────────────────────────────────────────────────────────────────────────────────

export function ServicesActions() {
  const { facts, coordinator, court, procuratorate } = useViewer();
  if (facts.closed || court || procuratorate || !coordinator) return null;
  return (
    <CommandForm
      id="services"
      title={W.servicesTitle}
      hint={W.servicesHint}
      submit={W.servicesSubmit}
      validate={(v): Problems => {
        const chosen = Array.isArray(v.services) ? v.services : [];
        return chosen.length === 0 ? { services: W.servicesNone } : {};
      }}
      send={(v) =>
        api.interventions.services(facts.caseId, {
          services: (Array.isArray(v.services) ? v.services : []) as (typeof SERVICE_KINDS)[number][],
        })
      }
    >
      {(f) => (
        <ChecksControl
          {...f}
          name="services"
          label={W.services}
          required
          options={SERVICE_KINDS.map((s) => [s, W.serviceKinds[s]] as const)}
        />
      )}
    </CommandForm>
  );
}

// ── Closure and reopening (coordinators, CN 五(一)) ──────────────────────────────────────────────────────────────

export function CaseActions() {
  const { facts, coordinator } = useViewer();
  if (!coordinator) return null;
  const closing = !facts.closed;
  return (
    <CommandForm
      key={closing ? 'closure' : 'reopen'}
      id={closing ? 'closure' : 'reopen'}
      title={closing ? W.closureTitle : W.reopenTitle}
      hint={closing ? W.closureHint : undefined}
      submit={closing ? W.closureSubmit : W.reopenSubmit}
      validate={(v) => {
        const out: Problems = {};
        needText(v, 'reason', out, 2);
        return out;
      }}
      send={(v) =>
        closing
          ? api.interventions.closure(facts.caseId, { reason: text(v.reason).trim() })
          : api.interventions.reopen(facts.caseId, { reason: text(v.reason).trim() })
      }
    >
      {(f) => <TextControl {...f} name="reason" label={W.reason} required multiline />}
    </CommandForm>
  );
}
