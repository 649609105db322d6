/**
 * Reading the agency directory: which agency of each type is responsible for a place ("whoever is in charge is
 * responsible", FT 三(二)5), and who to tell at an agency (its duty contacts and supervisor).
 */
import { AgencyModel, type AgencyRecord } from './agency';
import { SHARED_STAMP_AGE_MS, StampedCache } from './cache-stamps';
import type { AgencyType } from '../policies/schema';

export interface ResponsiblePlace {
  districtCode: string;
  streetCode?: string;
  committeeCode?: string;
}

/** The whole directory in memory, by code and by district (each district's agencies ordered by code). */
interface Directory {
  byCode: Map<string, AgencyRecord>;
  byDistrict: Map<string, AgencyRecord[]>;
}

/** Freezes plain objects and arrays all the way down (an ObjectId or a Date is left as it is). */
function deepFreeze<T>(value: T): T {
  const plain = Array.isArray(value) || (value && Object.getPrototypeOf(value) === Object.prototype);
  if (plain && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

async function loadDirectory(): Promise<Directory> {
  const agencies = await AgencyModel.find({}).lean<AgencyRecord[]>().exec();
  agencies.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const byCode = new Map<string, AgencyRecord>();
  const byDistrict = new Map<string, AgencyRecord[]>();
  for (const agency of agencies) {
    // Shared by every caller: frozen, so no caller can change what the next one reads.
    deepFreeze(agency);
    byCode.set(agency.code, agency);
    const district = agency.jurisdiction?.districtCode;
    if (!district) continue;
    const list = byDistrict.get(district) ?? [];
    list.push(agency);
    byDistrict.set(district, list);
  }
  return { byCode, byDistrict };
}

/**
 * The directory changes only when an administrator or the seed edits it, yet routing a report asked it seven times
 * (bench/README.md, profile): it is read whole, once, and kept until a write through AgencyModel stamps it
 * (models/cache-stamps.ts; other processes see the change within SHARED_STAMP_AGE_MS).
 */
const directoryCache = new StampedCache<Directory>('agencies', 1);

function directory(): Promise<Directory> {
  return directoryCache.get('all', loadDirectory, SHARED_STAMP_AGE_MS);
}

async function agenciesOf(districtCode: string): Promise<readonly AgencyRecord[]> {
  return (await directory()).byDistrict.get(districtCode) ?? [];
}

/**
 * For every agency type, the most local agency serving the place: the committee's, else the street's, else the
 * district's. Agency types with no agency there are absent.
 */
export async function responsibleAgencies(place: ResponsiblePlace): Promise<Partial<Record<AgencyType, string>>> {
  const agencies = await agenciesOf(place.districtCode);
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
  return (await agenciesOf(districtCode)).find((a) => a.type === type && a.level === 'district')?.code;
}

/** The committee of a street used when a report names none: the first by code, so routing is stable. */
export async function defaultCommittee(districtCode: string, streetCode: string): Promise<string | undefined> {
  const committee = (await agenciesOf(districtCode)).find(
    (a) => a.level === 'committee' && a.jurisdiction?.streetCode === streetCode,
  );
  return committee?.jurisdiction?.committeeCode ?? undefined;
}

/** The agency with this code (shared and frozen: read it, do not change it). */
export async function findAgency(code: string): Promise<AgencyRecord | null> {
  return (await directory()).byCode.get(code) ?? null;
}

/** Whether the directory holds agencies of this district (places elsewhere cannot be checked street by street). */
export async function districtKnown(districtCode: string): Promise<boolean> {
  return (await agenciesOf(districtCode)).some((a) => a.level === 'district');
}

/** Whether the district has this street/township (its street office is in the directory). */
export async function streetKnown(districtCode: string, streetCode: string): Promise<boolean> {
  return (await agenciesOf(districtCode)).some(
    (a) => a.type === 'street_office' && a.jurisdiction?.streetCode === streetCode,
  );
}

/** Whether the street has this residents' or villagers' committee. */
export async function committeeKnown(
  districtCode: string,
  streetCode: string,
  committeeCode: string,
): Promise<boolean> {
  return (await agenciesOf(districtCode)).some(
    (a) =>
      a.level === 'committee' &&
      a.jurisdiction?.streetCode === streetCode &&
      a.jurisdiction?.committeeCode === committeeCode,
  );
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
