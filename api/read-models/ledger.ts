/**
 * The street ledger as the API shows it (issue #18 items 1, 4): rows of the ledger list, a child's ledger page, the
 * coordinator dashboard's visit compliance and the XLSX export. Streets, committees and categories by their names
 * (from the directory and the district's pack), never by their codes; a code the directory does not know shows as
 * itself rather than as nothing.
 */
import type { ComplianceView, LedgerChildView, LedgerRow } from '../../contracts/ledger';
import { findAgency, listAgencies } from '../../models/agency-directory';
import type { ChildRecord } from '../../models/child';
import { getLedgerChildren, ledgerReachOf, withinReach, type LedgerCompliance } from '../../models/ledger-repository';
import type { Actor } from '../auth/actor';
import { scopeOf } from '../auth/scope';
import { getPolicyPack, listPolicyPacks } from '../../policies';
import type { PolicyPack } from '../../policies/schema';
import { newestPackOfDistrict } from '../../policies/visits';
import { MESSAGES } from '../../web/src/i18n/messages';
import { approximateAge } from './child-file';
import { localTime, type Sheet } from './exports';
import type { Bilingual } from './policy-lookup';

/** The district's current pack: the categories and benefits the ledger records are its codes. */
export function ledgerPackOf(districtCode: string): PolicyPack | undefined {
  const ref = newestPackOfDistrict(districtCode);
  return ref ? getPolicyPack(ref.id, ref.version) : undefined;
}

export interface LedgerNames {
  street(districtCode: string, streetCode: string): Bilingual | null;
  committee(districtCode: string, streetCode: string, committeeCode: string | null | undefined): Bilingual | null;
  category(districtCode: string, code: string): { code: string; zh: string; en: string };
}

/** A child a ledger notice is about, as the inbox names it: the child's name and its ledger's street's. */
export interface LedgerChildNamed {
  name: string;
  streetName: Bilingual | null;
}

/**
 * The children of ledger notices (a missed visit) named for the reader: only those the reader's ledger holds now (a
 * child since moved to another street, merged or sealed is not named; the notice still leads to the ledger), as the
 * ledger list names them, unaudited like the list.
 */
export async function ledgerChildrenNamed(
  actor: Actor,
  childIds: readonly string[],
): Promise<Map<string, LedgerChildNamed>> {
  const scope = scopeOf(actor);
  const reach = ledgerReachOf(scope, scope.kind === 'agency' ? await findAgency(actor.agencyCode) : null);
  const named = new Map<string, LedgerChildNamed>();
  if (reach.kind === 'none') return named;
  const children = (await getLedgerChildren(childIds)).filter(
    (c) => !c.mergedInto && !c.flags?.recordSealed && withinReach(reach, c),
  );
  const names = await ledgerNames(children.map((c) => c.ledger!.place.districtCode));
  for (const c of children) {
    const { districtCode, streetCode } = c.ledger!.place;
    named.set(String(c._id), { name: c.name, streetName: names.street(districtCode, streetCode) });
  }
  return named;
}

/** Street and committee names of the districts, and each district's pack for the category names. */
export async function ledgerNames(districtCodes: Iterable<string>): Promise<LedgerNames> {
  const districts = [...new Set(districtCodes)];
  const streets = new Map<string, Bilingual>();
  const committees = new Map<string, Bilingual>();
  const packs = new Map<string, PolicyPack | undefined>();
  await Promise.all(
    districts.map(async (districtCode) => {
      packs.set(districtCode, ledgerPackOf(districtCode));
      const [offices, residents, villagers] = await Promise.all([
        listAgencies({ districtCode, type: 'street_office' }),
        listAgencies({ districtCode, type: 'residents_committee' }),
        listAgencies({ districtCode, type: 'villagers_committee' }),
      ]);
      for (const o of offices)
        if (o.jurisdiction?.streetCode)
          streets.set(`${districtCode}/${o.jurisdiction.streetCode}`, { zh: o.name.zh, en: o.name.en });
      for (const c of [...residents, ...villagers])
        if (c.jurisdiction?.streetCode && c.jurisdiction.committeeCode)
          committees.set(`${districtCode}/${c.jurisdiction.streetCode}/${c.jurisdiction.committeeCode}`, {
            zh: c.name.zh,
            en: c.name.en,
          });
    }),
  );
  return {
    street: (d, s) => streets.get(`${d}/${s}`) ?? null,
    committee: (d, s, c) => (c ? (committees.get(`${d}/${s}/${c}`) ?? { zh: c, en: c }) : null),
    category: (d, code) => categoryName(packs.has(d) ? packs.get(d) : ledgerPackOf(d), code),
  };
}

/**
 * A category's name in the district's pack; a code that pack does not know (a child transferred from another
 * district keeps the categories its old district recorded until a worker corrects them) is named from the pack of the
 * district that has it, with that district's name, so the new street reads what the old one meant, never a code.
 */
export function categoryName(pack: PolicyPack | undefined, code: string): { code: string; zh: string; en: string } {
  const own = pack?.categories.find((c) => c.code === code);
  if (own) return { code, zh: own.label.zh, en: own.label.en };
  const districts = [...new Set(listPolicyPacks().map((p) => p.district.code))].filter(
    (d) => d !== pack?.district.code,
  );
  for (const district of districts) {
    const other = ledgerPackOf(district);
    const rule = other?.categories.find((c) => c.code === code);
    if (other && rule)
      return {
        code,
        zh: `${rule.label.zh}（${other.district.name.zh}类别）`,
        en: `${rule.label.en} (${other.district.name.en} category)`,
      };
  }
  return { code, zh: code, en: code };
}

const iso = (at: Date | string | null | undefined) => (at ? new Date(at).toISOString() : null);

export function ledgerRowOf(child: ChildRecord, names: LedgerNames, now: Date): LedgerRow {
  const ledger = child.ledger!;
  const { districtCode, streetCode, committeeCode } = ledger.place;
  const due = ledger.nextVisitDue ? new Date(ledger.nextVisitDue) : null;
  return {
    childId: String(child._id),
    name: child.name,
    sex: child.sex,
    approximateAge: approximateAge(child.dateOfBirth, now) ?? null,
    streetCode,
    streetName: names.street(districtCode, streetCode),
    committeeCode: committeeCode ?? null,
    committeeName: names.committee(districtCode, streetCode, committeeCode),
    categories: (child.categories ?? []).map((code) => names.category(districtCode, code)),
    leftBehind: child.flags?.leftBehind ?? false,
    multipleDifficulty: child.flags?.multipleDifficulty ?? false,
    riskLevel: child.riskLevel,
    status: ledger.status,
    nextVisitDue: iso(due),
    overdue: ledger.status === 'monitoring' && due !== null && due.getTime() < now.getTime(),
    lastVisitAt: iso(ledger.lastVisitAt),
  };
}

const placeText = (p: { districtCode: string; streetCode: string; committeeCode?: string | null }, n: LedgerNames) => {
  const street = n.street(p.districtCode, p.streetCode);
  const committee = n.committee(p.districtCode, p.streetCode, p.committeeCode);
  return [street ? street.zh : p.streetCode, committee?.zh].filter(Boolean).join(' ');
};

/** The child's ledger page: the row, the family and arrangement, the schedule, the visits and the moves. */
export function ledgerChildViewOf(
  child: ChildRecord,
  names: LedgerNames,
  now: Date,
  openCase: LedgerChildView['openCase'] = null,
): LedgerChildView {
  const ledger = child.ledger!;
  const a = ledger.arrangement;
  return {
    ...ledgerRowOf(child, names, now),
    school: child.school?.name ?? null,
    guardians: child.guardians.map((g) => ({
      name: g.name,
      relation: g.relation,
      status: g.status,
      ...(g.phone ? { phone: g.phone } : {}),
    })),
    // A visit before the fix in recordLedgerVisit wrote `adequate` alone into a file with no arrangement: none shown.
    arrangement:
      a?.caregiverName && a.relation
        ? {
            caregiverName: a.caregiverName,
            relation: a.relation,
            phone: a.phone ?? null,
            since: iso(a.since),
            parentsWorkplace: a.parentsWorkplace ?? null,
            adequate: a.adequate ?? null,
          }
        : null,
    benefits: child.benefits ?? [],
    visitInterval:
      ledger.visitInterval?.duration && ledger.visitInterval.clause
        ? { duration: ledger.visitInterval.duration, clause: ledger.visitInterval.clause }
        : null,
    missedVisits: ledger.missedVisits ?? 0,
    visits: [...(ledger.visits ?? [])]
      .sort((x, y) => new Date(y.visitedAt).getTime() - new Date(x.visitedAt).getTime())
      .map((v) => ({
        visitedAt: new Date(v.visitedAt).toISOString(),
        childPresent: v.childPresent,
        guardianPresent: v.guardianPresent,
        arrangementAdequate: v.arrangementAdequate,
        needs: v.needs ?? [],
        newConcern: v.newConcern,
      })),
    transfers: (ledger.transfers ?? []).map((t) => ({
      at: new Date(t.at).toISOString(),
      from: placeText(t.from, names),
      to: placeText(t.to, names),
      reason: t.reason,
    })),
    version: ledger.version,
    openCase,
  };
}

/** Visit compliance per committee and the counts by category and street, named. */
export function complianceViewOf(data: LedgerCompliance, districtCode: string, names: LedgerNames): ComplianceView {
  // A committee code is unique within its street; the compliance counts it within the reader's reach.
  const committeeName = (code: string) => {
    if (!code) return null;
    for (const street of data.byStreet) {
      const name = names.committee(districtCode, street.streetCode, code);
      if (name && name.zh !== code) return name;
    }
    return { zh: code, en: code };
  };
  return {
    committees: data.committees.map((c) => ({
      committeeCode: c.committeeCode,
      name: committeeName(c.committeeCode),
      children: c.children,
      overdue: c.overdue,
      compliance: c.children === 0 ? 1 : (c.children - c.overdue) / c.children,
    })),
    byCategory: data.byCategory.map((c) => ({ ...names.category(districtCode, c.code), children: c.children })),
    byStreet: data.byStreet.map((s) => ({
      streetCode: s.streetCode,
      name: names.street(districtCode, s.streetCode),
      children: s.children,
    })),
  };
}

const both = (b: Bilingual | null | undefined, fallback = '') => (b ? `${b.zh} ${b.en}` : fallback);
const word = (key: string, fallback: string) => {
  const zh = (MESSAGES.zh as Record<string, string>)[key];
  const en = (MESSAGES.en as Record<string, string>)[key];
  return zh && en ? `${zh} ${en}` : fallback;
};

export const LEDGER_COLUMNS: Sheet['columns'] = [
  { key: 'name', header: { zh: '姓名', en: 'Name' }, width: 14 },
  { key: 'sex', header: { zh: '性别', en: 'Sex' }, width: 10 },
  { key: 'age', header: { zh: '年龄', en: 'Age' }, width: 8 },
  { key: 'street', header: { zh: '街道（乡镇）', en: 'Street / township' }, width: 28 },
  { key: 'committee', header: { zh: '居（村）委会', en: 'Committee' }, width: 34 },
  { key: 'categories', header: { zh: '类别', en: 'Categories' }, width: 44 },
  { key: 'leftBehind', header: { zh: '留守', en: 'Left-behind' }, width: 12 },
  { key: 'risk', header: { zh: '风险', en: 'Risk' }, width: 14 },
  { key: 'lastVisit', header: { zh: '上次走访', en: 'Last visit' }, width: 18 },
  { key: 'nextVisit', header: { zh: '下次走访', en: 'Next visit due' }, width: 18 },
  { key: 'overdue', header: { zh: '走访逾期', en: 'Visit overdue' }, width: 12 },
];

const SEX: Record<string, string> = { female: '女 Female', male: '男 Male', unknown: '不详 Unknown' };
const YES = '是 Yes';
const NO = '否 No';

/** The ledger rows as the export's sheet: names, never codes or ids (the child's id stays out of the file). */
export function ledgerSheet(rows: readonly LedgerRow[]): Sheet {
  return {
    name: '台账 Ledger',
    columns: LEDGER_COLUMNS,
    rows: rows.map((r) => ({
      name: r.name,
      sex: SEX[r.sex] ?? r.sex,
      age: r.approximateAge ?? '',
      street: both(r.streetName, r.streetCode),
      committee: both(r.committeeName, r.committeeCode ?? ''),
      categories: r.categories.map((c) => `${c.zh} ${c.en}`).join('；'),
      leftBehind: r.leftBehind ? YES : NO,
      risk: word(`risk.${r.riskLevel}`, r.riskLevel),
      lastVisit: localTime(r.lastVisitAt),
      nextVisit: localTime(r.nextVisitDue),
      overdue: r.overdue ? YES : NO,
    })),
  };
}
