/**
 * Which district, street/township and committee are responsible for a child, and when a non-local child is escorted
 * to the registration place. Pure. Registration, long-term residence and incident place decide jurisdiction (CN 二
 * 四是); the district covers children registered here, with a parent registered here or holding a residence permit,
 * or with unknown parents but in fact living here (CN 五(一)).
 */
import type { DistrictCoverageGround, JurisdictionBasis, PolicyPack } from './schema';

/** A place by administrative code (GB/T 2260 district code) and the directory's street and committee codes. */
export interface Place {
  districtCode: string;
  streetCode?: string;
  committeeCode?: string;
}

export interface JurisdictionFacts {
  /** 户籍 */
  householdRegistration?: Place;
  longTermResidence?: Place;
  incidentPlace?: Place;
  parentRegisteredInDistrict?: boolean;
  parentHoldsResidencePermit?: boolean;
  parentsCannotBeFound?: boolean;
  /** A parent or other guardian is able to perform guardianship now. */
  guardianAbleToAct: boolean;
  /** Someone in the city can be entrusted with the child. */
  entrustableCarerInCity: boolean;
}

export interface ResponsibleUnit extends Place {
  basis: JurisdictionBasis;
}

export interface EscortDecision {
  required: boolean;
  clause: string;
  notRegisteredInCity: boolean;
  noGuardianAbleToAct: boolean;
  nobodyInCityToEntrust: boolean;
  /** Where to escort the child: the civil affairs of this registration district. */
  destinationDistrictCode?: string;
}

export interface JurisdictionDecision {
  /** Who responds now: the street of the incident place, if it lies in the district. */
  emergency?: ResponsibleUnit;
  /** Who holds the child's file and ongoing support inside this district. */
  ongoing?: ResponsibleUnit;
  /** Not this district: the first known place, in the pack's order, to hand the child over to. */
  handOffTo?: ResponsibleUnit;
  /** Grounds on which the district takes the child on (CN 五(一)); empty when it does not. */
  coverageGrounds: DistrictCoverageGround[];
  escort: EscortDecision;
}

/** Whether a district code lies in a city code (310105 in 310000; 320102 in 320100). */
export function isInCity(districtCode: string, cityCode: string): boolean {
  const prefixLength = cityCode.endsWith('0000') ? 2 : cityCode.endsWith('00') ? 4 : 6;
  return districtCode.slice(0, prefixLength) === cityCode.slice(0, prefixLength);
}

function placeFor(facts: JurisdictionFacts, basis: JurisdictionBasis): Place | undefined {
  switch (basis) {
    case 'household_registration':
      return facts.householdRegistration;
    case 'long_term_residence':
      return facts.longTermResidence;
    case 'incident_place':
      return facts.incidentPlace;
  }
}

function coverageHolds(ground: DistrictCoverageGround, facts: JurisdictionFacts, districtCode: string): boolean {
  const livesHere = facts.longTermResidence?.districtCode === districtCode;
  switch (ground) {
    case 'child_registered':
      return facts.householdRegistration?.districtCode === districtCode;
    case 'parent_registered':
      return facts.parentRegisteredInDistrict === true;
    case 'parent_residence_permit':
      return facts.parentHoldsResidencePermit === true;
    case 'parents_unknown_living_here':
      return facts.parentsCannotBeFound === true && livesHere;
    case 'long_term_residence':
      return livesHere;
  }
}

export function routeJurisdiction(pack: PolicyPack, facts: JurisdictionFacts): JurisdictionDecision {
  const rules = pack.jurisdiction;
  const districtCode = pack.district.code;
  const unit = (basis: JurisdictionBasis): ResponsibleUnit | undefined => {
    const place = placeFor(facts, basis);
    return place ? { basis, ...place } : undefined;
  };

  const emergencyUnit = unit(rules.emergencyBasis);
  const known = rules.ongoingOrder.map(unit).filter((u): u is ResponsibleUnit => u !== undefined);
  const ongoing = known.find((u) => u.districtCode === districtCode);

  // CN 四(三): escort when not registered in the city, no guardian able to act, and nobody in the city to entrust.
  const registration = facts.householdRegistration;
  const notRegisteredInCity = registration !== undefined && !isInCity(registration.districtCode, rules.cityCode);
  const noGuardianAbleToAct = !facts.guardianAbleToAct;
  const nobodyInCityToEntrust = !facts.entrustableCarerInCity;
  const required = notRegisteredInCity && noGuardianAbleToAct && nobodyInCityToEntrust;

  return {
    emergency: emergencyUnit?.districtCode === districtCode ? emergencyUnit : undefined,
    ongoing,
    handOffTo: ongoing ? undefined : known[0],
    coverageGrounds: rules.coverage.map((c) => c.ground).filter((g) => coverageHolds(g, facts, districtCode)),
    escort: {
      required,
      clause: rules.escortToRegistrationPlace.clause,
      notRegisteredInCity,
      noGuardianAbleToAct,
      nobodyInCityToEntrust,
      ...(required && registration ? { destinationDistrictCode: registration.districtCode } : {}),
    },
  };
}
