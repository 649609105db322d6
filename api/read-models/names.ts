/**
 * Names for codes and ids: agencies and streets from the directory, people from their accounts. Every list and the
 * case page show these, never the code (issue #14 item 4); an unknown code shows as itself rather than as nothing.
 */
import { isValidObjectId } from 'mongoose';
import { AgencyModel, type AgencyRecord } from '../../models/agency';
import { UserModel, type UserRecord } from '../../models/user';
import type { Bilingual } from './policy-lookup';

export interface Names {
  agency(code: string | null | undefined): { code: string; name: Bilingual };
  person(userId: string | null | undefined): string;
}

/** Street names of a district, by street code (the street office's name). */
export async function streetNames(districtCodes: readonly string[]): Promise<Map<string, Bilingual>> {
  if (districtCodes.length === 0) return new Map();
  const offices = await AgencyModel.find(
    { type: 'street_office', 'jurisdiction.districtCode': { $in: [...new Set(districtCodes)] } },
    { name: 1, jurisdiction: 1 },
  )
    .lean<AgencyRecord[]>()
    .exec();
  return new Map(
    offices
      .filter((a) => a.jurisdiction?.streetCode)
      .map((a) => [a.jurisdiction!.streetCode!, { zh: a.name.zh, en: a.name.en }]),
  );
}

/** Looks up every agency code and user id at once. */
export async function namesFor(agencyCodes: Iterable<string>, userIds: Iterable<string>): Promise<Names> {
  const codes = [...new Set(agencyCodes)].filter(Boolean);
  const ids = [...new Set(userIds)].filter((id) => isValidObjectId(id));
  const [agencies, users] = await Promise.all([
    codes.length
      ? AgencyModel.find({ code: { $in: codes } }, { code: 1, name: 1 })
          .lean<AgencyRecord[]>()
          .exec()
      : Promise.resolve([]),
    ids.length
      ? UserModel.find({ _id: { $in: ids } }, { displayName: 1 })
          .lean<UserRecord[]>()
          .exec()
      : Promise.resolve([]),
  ]);
  const agencyName = new Map(agencies.map((a) => [a.code, { zh: a.name.zh, en: a.name.en }]));
  const personName = new Map(users.map((u) => [String(u._id), u.displayName]));
  return {
    agency: (code) => ({ code: code ?? '', name: agencyName.get(code ?? '') ?? { zh: code ?? '', en: code ?? '' } }),
    person: (userId) => (userId ? (personName.get(userId) ?? '') : ''),
  };
}
