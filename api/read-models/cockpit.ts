/**
 * The case page's cockpit (issue #14): placements, the guardian search, services, legal steps, the neglect clock,
 * grounds and petitions, the escort, the closure, the classification and benefits (granted, and excluded by 择高 with
 * the reason), and every task, each agency and person by name and each category or benefit by its pack label.
 *
 * Source: the case workflow's own state when it answers the status query (fresh), else what its projection activity
 * wrote to the case document (`intervention`, `decided`), so the page works while the worker is busy or down.
 */
import type { z } from 'zod';
import type { cockpitView } from '../../contracts/cases';
import type { DecidedByRules } from '../../activities/projection';
import type { PolicyPack } from '../../policies/schema';
import type { CaseTaskSummary } from '../../workflows/definitions';
import type { InterventionState } from '../../workflows/intervention.definitions';
import { SERVICE_KINDS } from '../../contracts/enums';
import { namesFor, type Names } from './names';
import { taskLabel, type Bilingual } from './policy-lookup';

type Cockpit = z.input<typeof cockpitView>;

/** A task of the case as either source gives it. */
export interface CockpitTask {
  taskId: string;
  kind: string;
  agencyId: string;
  status: string;
  createdAt: string | null;
  closedAt: string | null;
  /** The user who accepted the task for its agency (from the task's projection), when one has. */
  assigneeUserId?: string | null;
}

export interface CockpitSource {
  source: 'workflow' | 'projection';
  intervention: InterventionState | undefined;
  decided: DecidedByRules | undefined;
  tasks: CockpitTask[];
}

export function tasksOfState(tasks: readonly CaseTaskSummary[]): CockpitTask[] {
  return tasks.map((t) => ({
    taskId: t.taskId,
    kind: t.kind,
    agencyId: t.agencyId,
    status: t.status,
    createdAt: t.createdAt,
    closedAt: t.closedAt ?? null,
  }));
}

const label = (code: string, items: readonly { code: string; label: Bilingual }[] | undefined): Bilingual =>
  items?.find((i) => i.code === code)?.label ?? { zh: code, en: code };

export async function buildCockpit(src: CockpitSource, pack: PolicyPack | undefined): Promise<Cockpit> {
  const iv = src.intervention;
  const agencies = new Set<string>(src.tasks.map((t) => t.agencyId));
  const people = new Set<string>();
  for (const t of src.tasks) if (t.assigneeUserId) people.add(t.assigneeUserId);
  for (const p of iv?.placements ?? []) {
    agencies.add(p.agencyId).add(p.siteAgencyId);
    p.extensions.forEach((e) => people.add(e.approvedBy.userId));
    if (p.policeCertificate) people.add(p.policeCertificate.recordedBy.userId);
    if (p.policeCertificate) agencies.add(p.policeCertificate.recordedBy.agencyId);
    if (p.decision) people.add(p.decision.decidedBy.userId);
  }
  if (iv?.policeCertificate) {
    people.add(iv.policeCertificate.recordedBy.userId);
    agencies.add(iv.policeCertificate.recordedBy.agencyId);
  }
  iv?.legalSteps.forEach((s) => {
    people.add(s.recordedBy.userId);
    agencies.add(s.recordedBy.agencyId);
  });
  iv?.neglect.forEach((n) => people.add(n.recordedBy.userId));
  iv?.grounds.forEach((g) => {
    people.add(g.recordedBy.userId);
    agencies.add(g.petitionerAgencyId);
  });
  iv?.petitions.forEach((p) => agencies.add(p.petitionerAgencyId));
  if (iv?.closure) people.add(iv.closure.approvedBy.userId);
  const names = await namesFor(agencies, people);
  return cockpitOf(src, pack, names);
}

export function cockpitOf(src: CockpitSource, pack: PolicyPack | undefined, names: Names): Cockpit {
  const iv = src.intervention;
  const task = (t: CockpitTask) => ({
    taskId: t.taskId,
    kind: t.kind,
    label: taskLabel(pack, t.kind),
    agency: names.agency(t.agencyId),
    status: t.status,
  });
  const byId = new Map(src.tasks.map((t) => [t.taskId, t]));
  const certificate = (c: InterventionState['policeCertificate']) =>
    c
      ? {
          certificateRef: c.certificateRef,
          issuedAt: c.issuedAt,
          recordedBy: names.person(c.recordedBy.userId),
          agency: names.agency(c.recordedBy.agencyId),
        }
      : null;
  const { classification, benefits } = src.decided ?? {};
  const escortTask = iv?.escort ? byId.get(iv.escort.taskId) : undefined;
  const foundBy = iv?.guardianSearch.foundByTaskId ? byId.get(iv.guardianSearch.foundByTaskId) : undefined;
  const groups = pack?.exclusiveBenefitGroups;
  const grounds = pack?.guardianshipRevocation.grounds;
  return {
    source: src.source,
    classification: classification
      ? {
          ...classification,
          categories: classification.categories.map((c) => ({ ...c, label: label(c.code, pack?.categories) })),
        }
      : null,
    benefits: benefits
      ? {
          granted: benefits.granted.map((b) => ({ ...b, label: label(b.code, pack?.benefits) })),
          excluded: benefits.excluded.map((b) => ({
            code: b.code,
            label: label(b.code, pack?.benefits),
            clause: b.clause,
            group: label(b.group, groups),
            groupClause: b.groupClause,
            keptInstead: b.keptInstead.map((k) => label(k, pack?.benefits)),
          })),
        }
      : null,
    placements: (iv?.placements ?? []).map((p) => ({
      placementId: p.placementId,
      term: p.term,
      status: p.status,
      agency: names.agency(p.agencyId),
      site: names.agency(p.siteAgencyId),
      startedAt: p.startedAt,
      endsAt: p.endsAt,
      clause: p.clause,
      capReachedAt: p.capReachedAt ?? null,
      reminders: p.reminders.map((r) => ({ before: r.before, at: r.at })),
      overruns: p.overruns.map((o) => ({ n: o.n, at: o.at })),
      extensions: p.extensions.map((e) => ({
        approvedBy: names.person(e.approvedBy.userId),
        reason: e.reason,
        extendBy: e.extendBy,
        endsAt: e.endsAt,
        approvedAt: e.approvedAt,
      })),
      certificate: certificate(p.policeCertificate),
      decision: p.decision
        ? {
            kind: p.decision.kind,
            decidedBy: names.person(p.decision.decidedBy.userId),
            decidedAt: p.decision.decidedAt,
            reason: p.decision.reason ?? null,
          }
        : null,
      endedAt: p.endedAt ?? null,
    })),
    policeCertificate: certificate(iv?.policeCertificate),
    guardianSearch: {
      tasks: (iv?.guardianSearch.taskIds ?? []).flatMap((id) => {
        const t = byId.get(id);
        return t ? [task(t)] : [];
      }),
      foundAt: iv?.guardianSearch.foundAt ?? null,
      foundBy: foundBy ? names.agency(foundBy.agencyId) : null,
      returnAssessmentDoneAt: iv?.guardianSearch.returnAssessmentDoneAt ?? null,
    },
    services: {
      tasks: src.tasks.filter((t) => (SERVICE_KINDS as readonly string[]).includes(t.kind)).map(task),
      pending: (iv?.pendingServices ?? []).map((kind) => ({ kind, label: taskLabel(pack, kind) })),
    },
    legalSteps: (iv?.legalSteps ?? []).map((s) => ({
      step: s.step,
      clause: pack?.legalLadder?.clause ?? null,
      evidenceRef: s.evidenceRef,
      occurredAt: s.occurredAt,
      recordedAt: s.recordedAt,
      recordedBy: names.person(s.recordedBy.userId),
      agency: names.agency(s.recordedBy.agencyId),
    })),
    neglect: (iv?.neglect ?? []).map((n) => ({
      since: n.since,
      firesAt: n.firesAt,
      clause: n.clause,
      label: pack?.neglectThreshold.label ?? { zh: n.label, en: n.label },
      evidenceRef: n.evidenceRef,
      childWithoutMeansOfLiving: n.childWithoutMeansOfLiving,
      recordedBy: names.person(n.recordedBy.userId),
      thresholdReachedAt: n.thresholdReachedAt ?? null,
      end: n.end ? { reason: n.end.reason, at: n.end.at } : null,
    })),
    grounds: (iv?.grounds ?? []).map((g) => ({
      ground: g.ground,
      label: label(g.ground, grounds),
      clause: g.clause,
      evidenceRef: g.evidenceRef,
      recordedAt: g.recordedAt,
      recordedBy: names.person(g.recordedBy.userId),
      petitioner: names.agency(g.petitionerAgencyId),
    })),
    petitions: (iv?.petitions ?? []).map((p) => ({
      petitionTaskId: p.petitionTaskId,
      grounds: p.grounds.map((code) => ({ code, label: label(code, grounds) })),
      petitioner: names.agency(p.petitionerAgencyId),
      courtRef: p.courtRef ?? null,
      decision: p.decision ?? null,
    })),
    escort: iv?.escort
      ? {
          registrationPlace: iv.escort.registrationPlace,
          agency: escortTask ? names.agency(escortTask.agencyId) : null,
          confirmedAt: iv.escort.confirmedAt ?? null,
          confirmationRef: iv.escort.confirmationRef ?? null,
        }
      : null,
    closure: iv?.closure
      ? { approvedBy: names.person(iv.closure.approvedBy.userId), reason: iv.closure.reason, at: iv.closure.at }
      : null,
    tasks: src.tasks.map((t) => ({
      ...task(t),
      createdAt: t.createdAt,
      closedAt: t.closedAt,
      assignee: t.assigneeUserId ? names.person(t.assigneeUserId) : null,
    })),
  };
}
