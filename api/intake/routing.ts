/**
 * Where a report goes (CN 二 四是, CN 五(一)): the place of discovery (事发地) decides who responds now (the police
 * station and street office of that street); the child's household registration or long-term residence, when known
 * and inside the district, decides who carries the case (assessment, ledger, visits, placement). A child the district
 * does not cover is referred to the district of registration/residence: its civil-affairs bureau (where that
 * district's coordinators sit) takes the ongoing steps. Whatever the directory lacks, the district fallback takes
 * (policies' `fallbacks`), so no step of the chain can fail for want of an agency.
 */
import { defaultCommittee, districtAgency, responsibleAgencies } from '../../models/agency-directory';
import { routeJurisdiction, type JurisdictionFacts, type Place } from '../../policies/jurisdiction';
import { AGENCY_TYPES, type PolicyPack } from '../../policies/schema';
import type { CaseJurisdiction, FallbackAgencies, ResponsibleAgencies } from '../../workflows/definitions';

export interface ReportPlaces {
  /** The place of discovery; its district is the pack's. */
  incident: Place;
  householdRegistration?: Place;
  longTermResidence?: Place;
}

export interface ReportRouting {
  /** The place of discovery's agencies: emergency response. */
  agencies: ResponsibleAgencies;
  /** The agencies that carry the case. */
  ongoingAgencies: ResponsibleAgencies;
  fallbackAgencies: FallbackAgencies;
  /** Where the case belongs for lists and scope: the street carrying it, else the place of discovery. */
  caseJurisdiction: CaseJurisdiction;
  /** Set when the child is referred to another district (CN 五(一) coverage). */
  referredToDistrictCode?: string;
}

/** A place with its default committee filled in (the first of the street, so routing is stable). */
async function withCommittee(place: Place): Promise<Place> {
  if (place.committeeCode || !place.streetCode) return place;
  const committeeCode = await defaultCommittee(place.districtCode, place.streetCode);
  return committeeCode ? { ...place, committeeCode } : place;
}

function codesOnly(place: Place): CaseJurisdiction {
  return {
    districtCode: place.districtCode,
    ...(place.streetCode ? { streetCode: place.streetCode } : {}),
    ...(place.committeeCode ? { committeeCode: place.committeeCode } : {}),
  };
}

/**
 * The district fallback of each phase: the pack's `fallbacks` when it has them; for packs older than the safety net,
 * the district police (its duty desk) for the emergency response and the civil-affairs bureau otherwise.
 */
export async function fallbackAgenciesFor(pack: PolicyPack): Promise<FallbackAgencies | undefined> {
  const district = pack.district.code;
  const [emergency, ongoing] = await Promise.all([
    districtAgency(district, pack.fallbacks?.emergency.agencyType ?? 'police_substation'),
    districtAgency(district, pack.fallbacks?.ongoing.agencyType ?? 'civil_affairs'),
  ]);
  return emergency && ongoing ? { emergency, ongoing } : undefined;
}

export async function routeReport(pack: PolicyPack, places: ReportPlaces): Promise<ReportRouting> {
  const district = pack.district.code;
  const incident = await withCommittee(places.incident);
  // A place inside the district counts for ongoing responsibility only with its street; one elsewhere by its district.
  const usable = (place: Place | undefined): Place | undefined =>
    place && (place.districtCode !== district || place.streetCode) ? place : undefined;
  const householdRegistration = usable(places.householdRegistration);
  const longTermResidence = usable(places.longTermResidence);
  const facts: JurisdictionFacts = {
    incidentPlace: incident,
    ...(householdRegistration ? { householdRegistration } : {}),
    ...(longTermResidence ? { longTermResidence } : {}),
    // Escort is decided later, by the placement; routing does not depend on these.
    guardianAbleToAct: true,
    entrustableCarerInCity: true,
  };
  const decision = routeJurisdiction(pack, facts);
  const fallbackAgencies = await fallbackAgenciesFor(pack);
  if (!fallbackAgencies) throw new Error(`the directory has no fallback agencies for district ${district}`);
  const agencies = await responsibleAgencies(incident);

  // CN 五(一): a child whose first known place (in the pack's order) lies in another district, on no ground of
  // coverage here, is referred there; otherwise the first known place inside the district carries the case.
  const firstKnown = pack.jurisdiction.ongoingOrder
    .map((basis) =>
      basis === 'household_registration'
        ? householdRegistration
        : basis === 'long_term_residence'
          ? longTermResidence
          : incident,
    )
    .find((place): place is Place => place !== undefined);
  const referred =
    firstKnown !== undefined && firstKnown.districtCode !== district && decision.coverageGrounds.length === 0;
  if (decision.ongoing && !referred) {
    const ongoingPlace = await withCommittee(decision.ongoing);
    const ongoingAgencies =
      decision.ongoing.basis === 'incident_place' ? agencies : await responsibleAgencies(ongoingPlace);
    return { agencies, ongoingAgencies, fallbackAgencies, caseJurisdiction: codesOnly(ongoingPlace) };
  }
  // Not covered here (CN 五(一)): the district of registration/residence carries the case; its civil-affairs bureau
  // (its coordinators) takes every ongoing step. A district outside the directory leaves them to our fallback.
  const elsewhere = firstKnown?.districtCode;
  const bureau = elsewhere ? await districtAgency(elsewhere, 'civil_affairs') : undefined;
  const ongoingAgencies: ResponsibleAgencies = bureau
    ? Object.fromEntries(AGENCY_TYPES.map((type) => [type, bureau]))
    : {};
  return {
    agencies,
    ongoingAgencies,
    fallbackAgencies,
    caseJurisdiction: codesOnly(incident),
    ...(elsewhere ? { referredToDistrictCode: elsewhere } : {}),
  };
}
