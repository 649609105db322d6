/** Who wrote a note or uploaded an attachment, in words: the person's name and their agency's name. */
import type { Types } from 'mongoose';
import type { Bilingual } from '../../contracts/common';
import { AgencyModel } from '../../models/agency';
import { UserModel } from '../../models/user';

export interface Author {
  name: string;
  agency: Bilingual | null;
}

export async function authorsOf(
  people: ReadonlyArray<{ userId: string; agencyCode: string }>,
): Promise<(p: { userId: string; agencyCode: string }) => Author> {
  const ids = [...new Set(people.map((p) => p.userId).filter((id) => /^[0-9a-f]{24}$/.test(id)))];
  const codes = [...new Set(people.map((p) => p.agencyCode))];
  const [users, agencies] = await Promise.all([
    ids.length
      ? UserModel.find({ _id: { $in: ids } }, { displayName: 1 })
          .lean<Array<{ _id: Types.ObjectId; displayName: string }>>()
          .exec()
      : [],
    codes.length
      ? AgencyModel.find({ code: { $in: codes } }, { code: 1, name: 1 })
          .lean<Array<{ code: string; name: Bilingual }>>()
          .exec()
      : [],
  ]);
  const names = new Map(users.map((u) => [String(u._id), u.displayName]));
  const agencyNames = new Map(agencies.map((a) => [a.code, { zh: a.name.zh, en: a.name.en }]));
  return (p) => ({
    name: names.get(p.userId) ?? '—',
    agency: agencyNames.get(p.agencyCode) ?? null,
  });
}
