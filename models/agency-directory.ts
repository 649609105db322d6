/**
 * Reading the agency directory: which agency of each type is responsible for a place ("whoever is in charge is
 * responsible", FT 三(二)5), and who to tell at an agency (its duty contacts and supervisor).
 */
import { AgencyModel, type AgencyRecord } from './agency';
import type { AgencyType } from '../policies/schema';

export interface ResponsiblePlace {
  districtCode: string;
  streetCode?: string;
  committeeCode?: string;
}

/**
 * For every agency type, the most local agency serving the place: the committee's, else the street's, else the
 * district's. Agency types with no agency there are absent.
 */
export async function responsibleAgencies(place: ResponsiblePlace): Promise<Partial<Record<AgencyType, string>>> {
  const agencies = await AgencyModel.find({ 'jurisdiction.districtCode': place.districtCode })
    .select({ code: 1, type: 1, level: 1, jurisdiction: 1 })
    .lean<AgencyRecord[]>()
    .exec();
  const rank = (a: AgencyRecord): number => {
    const j: { streetCode?: string | null; committeeCode?: string | null } = a.jurisdiction ?? {};
    if (a.level === 'committee') return place.committeeCode && j.committeeCode === place.committeeCode ? 3 : -1;
    if (a.level === 'street_township') return place.streetCode && j.streetCode === place.streetCode ? 2 : -1;
    return 1;
  };
  const best = new Map<AgencyType, { code: string; rank: number }>();
  for (const agency of agencies) {
    const r = rank(agency);
    if (r < 0) continue;
    const type = agency.type as AgencyType;
    const current = best.get(type);
    if (!current || r > current.rank || (r === current.rank && agency.code < current.code))
      best.set(type, { code: agency.code, rank: r });
  }
  // FT 三(二)2 "居(村)委会": a villagers' committee does the committee work a residents' committee does, and back.
  const residents = best.get('residents_committee');
  const villagers = best.get('villagers_committee');
  if (villagers && (!residents || villagers.rank > residents.rank)) best.set('residents_committee', villagers);
  if (residents && (!villagers || residents.rank > villagers.rank)) best.set('villagers_committee', residents);
  return Object.fromEntries([...best].map(([type, { code }]) => [type, code]));
}

/** The district-level agency of a type (the fallback of a step, the coordinators' bureau); the first by code. */
export async function districtAgency(districtCode: string, type: AgencyType): Promise<string | undefined> {
  const agency = await AgencyModel.findOne({ type, level: 'district', 'jurisdiction.districtCode': districtCode })
    .sort({ code: 1 })
    .select({ code: 1 })
    .lean<AgencyRecord>()
    .exec();
  return agency?.code;
}

/** The committee of a street used when a report names none: the first by code, so routing is stable. */
export async function defaultCommittee(districtCode: string, streetCode: string): Promise<string | undefined> {
  const committee = await AgencyModel.findOne({
    level: 'committee',
    'jurisdiction.districtCode': districtCode,
    'jurisdiction.streetCode': streetCode,
  })
    .sort({ code: 1 })
    .lean<AgencyRecord>()
    .exec();
  return committee?.jurisdiction?.committeeCode ?? undefined;
}

export function findAgency(code: string): Promise<AgencyRecord | null> {
  return AgencyModel.findOne({ code }).lean<AgencyRecord>().exec();
}

/** Whether the directory holds agencies of this district (places elsewhere cannot be checked street by street). */
export async function districtKnown(districtCode: string): Promise<boolean> {
  return (
    (await AgencyModel.countDocuments({ level: 'district', 'jurisdiction.districtCode': districtCode }).exec()) > 0
  );
}

/** Whether the district has this street/township (its street office is in the directory). */
export async function streetKnown(districtCode: string, streetCode: string): Promise<boolean> {
  const count = await AgencyModel.countDocuments({
    type: 'street_office',
    'jurisdiction.districtCode': districtCode,
    'jurisdiction.streetCode': streetCode,
  }).exec();
  return count > 0;
}

/** Whether the street has this residents' or villagers' committee. */
export async function committeeKnown(
  districtCode: string,
  streetCode: string,
  committeeCode: string,
): Promise<boolean> {
  const count = await AgencyModel.countDocuments({
    level: 'committee',
    'jurisdiction.districtCode': districtCode,
    'jurisdiction.streetCode': streetCode,
    'jurisdiction.committeeCode': committeeCode,
  }).exec();
  return count > 0;
}

/**
 * The directory's agencies, by district and type, ordered by code (at most 2,000). The directory holds no child data
 * and every account may read it, so this read takes no scope.
 */
export function listAgencies(filter: { districtCode?: string; type?: AgencyType }): Promise<AgencyRecord[]> {
  return AgencyModel.find({
    ...(filter.districtCode ? { 'jurisdiction.districtCode': filter.districtCode } : {}),
    ...(filter.type ? { type: filter.type } : {}),
  })
    .sort({ code: 1 })
    .limit(2_000)
    .lean<AgencyRecord[]>()
    .exec();
}

/**
 * The agency of `type` a unit answers to (CN 四(一) "其上级机关"; issue #17 item 6): for a street-level type, the office
 * of the unit's own street (its parent when the parent is of that type); otherwise the district's agency of that type.
 * Null when the unit is not in the directory or its district has no such agency.
 */
export async function superiorAgency(unitCode: string, type: AgencyType): Promise<string | null> {
  const unit = await findAgency(unitCode);
  const districtCode = unit?.jurisdiction?.districtCode;
  if (!unit || !districtCode) return null;
  if (unit.parentCode) {
    const parent = await findAgency(unit.parentCode);
    if (parent?.type === type) return parent.code;
  }
  const streetCode = unit.jurisdiction?.streetCode;
  if (type === 'street_office' && streetCode) {
    const office = await AgencyModel.findOne({
      type,
      'jurisdiction.districtCode': districtCode,
      'jurisdiction.streetCode': streetCode,
    })
      .sort({ code: 1 })
      .select({ code: 1 })
      .lean<AgencyRecord>()
      .exec();
    if (office) return office.code;
  }
  return (await districtAgency(districtCode, type)) ?? null;
}

/** The procuratorate of an agency's district (FT 三(三)2(4)), with the district; null when there is none. */
export async function procuratorateFor(agencyCode: string): Promise<{ agencyId: string; districtCode: string } | null> {
  const agency = await findAgency(agencyCode);
  const districtCode = agency?.jurisdiction?.districtCode;
  if (!districtCode) return null;
  const procuratorate = await districtAgency(districtCode, 'procuratorate');
  return procuratorate ? { agencyId: procuratorate, districtCode } : null;
}
