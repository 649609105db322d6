/**
 * What the command forms need to know about the case and the viewer: the running placements (by id, term and
 * responsible agency), whether a refusal of duties is on the clock, whether the case is closed and the record sealed,
 * and what kind of agency the viewer works for (police record legal steps and certificates).
 */
import { useEffect, useState } from 'react';
import { api } from '../../../api/client';
import type { CaseView } from '../../../../../contracts/cases';

export interface PlacementFacts {
  placementId: string;
  term: 'short_term' | 'long_term';
  running: boolean;
  agencyCode?: string;
  hasCertificate?: boolean;
}

export interface CaseFacts {
  caseId: string;
  closed: boolean;
  placements: PlacementFacts[];
  neglectRunning: boolean;
  recordSealed: boolean;
  /** The return assessment's task, when a guardian was found (the reference a return-home decision cites). */
  returnAssessmentRef?: string;
}

interface PlacementLike {
  placementId?: string;
  term?: string;
  status?: string;
  agencyCode?: string;
  agencyId?: string;
  agency?: { code?: string };
  policeCertificate?: unknown;
  certificate?: unknown;
}

const PLACEMENT_CLOCK = /^(.+\/placement-\d+-(short_term|long_term)):end$/;

/** Reads the view leniently: the placements section when the API sends it, else the placements' running clocks. */
export function caseFacts(view: CaseView): CaseFacts {
  const loose = view as unknown as {
    cockpit?: { placements?: PlacementLike[]; neglect?: { end?: unknown }[] };
    placements?: PlacementLike[];
    intervention?: {
      placements?: PlacementLike[];
      neglect?: { end?: unknown }[];
      guardianSearch?: { returnAssessmentTaskId?: string };
    };
    neglect?: { end?: unknown; endedAt?: unknown; status?: string }[];
    guardianSearch?: { returnAssessmentTaskId?: string };
  };
  const listed = loose.cockpit?.placements ?? loose.placements ?? loose.intervention?.placements;
  const placements: PlacementFacts[] = listed
    ? listed
        .filter((p): p is PlacementLike & { placementId: string } => typeof p.placementId === 'string')
        .map((p) => ({
          placementId: p.placementId,
          term: p.term === 'long_term' ? 'long_term' : 'short_term',
          running: p.status === 'running',
          agencyCode: p.agencyCode ?? p.agencyId ?? p.agency?.code,
          hasCertificate: Boolean(p.policeCertificate ?? p.certificate),
        }))
    : view.status.clocks.flatMap((c) => {
        const m = PLACEMENT_CLOCK.exec(c.id);
        return m ? [{ placementId: m[1]!, term: m[2] as PlacementFacts['term'], running: true }] : [];
      });
  const neglect = loose.cockpit?.neglect ?? loose.neglect ?? loose.intervention?.neglect;
  const neglectRunning = neglect
    ? neglect.some((e) => !e.end && !(e as { endedAt?: unknown }).endedAt)
    : view.status.clocks.some((c) => c.id === 'neglect');
  const flags = (view.child as { flags?: { recordSealed?: boolean } }).flags;
  return {
    caseId: view.case.caseId,
    closed: view.status.stage === 'closed',
    placements,
    neglectRunning,
    recordSealed: flags?.recordSealed === true,
    returnAssessmentRef:
      loose.guardianSearch?.returnAssessmentTaskId ?? loose.intervention?.guardianSearch?.returnAssessmentTaskId,
  };
}

const POLICE_TYPES = ['police_station', 'police_substation'];
const agencyTypes = new Map<string, Promise<string | undefined>>();

/** The directory type of the viewer's agency (police_station, court …), looked up once per session. */
export function useAgencyType(districtCode: string, agencyCode: string): string | undefined {
  const [type, setType] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    const key = `${districtCode}|${agencyCode}`;
    let found = agencyTypes.get(key);
    if (!found) {
      found = api
        .agencies(districtCode)
        .then((list) => list.items.find((a) => a.code === agencyCode)?.type)
        .catch(() => undefined);
      agencyTypes.set(key, found);
    }
    void found.then((t) => {
      if (live) setType(t);
    });
    return () => {
      live = false;
    };
  }, [districtCode, agencyCode]);
  return type;
}

export function isPoliceType(type: string | undefined): boolean {
  return type !== undefined && POLICE_TYPES.includes(type);
}
