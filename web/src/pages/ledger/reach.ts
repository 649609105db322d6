/**
 * Whose ledger an account keeps (the web app's mirror of models/ledger-repository.ts ledgerReachOf): a district
 * coordinator the district's, a street coordinator or the street office's staff the street's, a committee's child
 * welfare supervisor (儿童主任, the committee agency's account) the committee's. Others have no ledger.
 */
import type { User } from '../../../../contracts/auth';
import { api, type DirectoryAgency } from '../../api/client';
import { useLoad } from '../../hooks';

export type LedgerReach =
  | { kind: 'district'; districtCode: string }
  | { kind: 'street'; districtCode: string; streetCode: string }
  | { kind: 'committee'; districtCode: string; streetCode: string; committeeCode: string }
  | { kind: 'none' };

export function reachOf(user: User, agencies: DirectoryAgency[] | undefined): LedgerReach | undefined {
  const districtCode = user.jurisdiction.districtCode;
  if (user.role === 'district_coordinator') return { kind: 'district', districtCode };
  if (user.role === 'street_coordinator')
    return user.jurisdiction.streetCode
      ? { kind: 'street', districtCode, streetCode: user.jurisdiction.streetCode }
      : { kind: 'none' };
  if (user.role !== 'agency_staff' && user.role !== 'agency_supervisor') return { kind: 'none' };
  if (!agencies) return undefined;
  const agency = agencies.find((a) => a.code === user.agencyCode);
  const j = agency?.jurisdiction;
  if (!agency || !j?.streetCode) return { kind: 'none' };
  if (agency.level === 'committee' && agency.type.endsWith('_committee') && j.committeeCode)
    return {
      kind: 'committee',
      districtCode: j.districtCode,
      streetCode: j.streetCode,
      committeeCode: j.committeeCode,
    };
  if (agency.level === 'street_township' && agency.type === 'street_office')
    return { kind: 'street', districtCode: j.districtCode, streetCode: j.streetCode };
  return { kind: 'none' };
}

/** Directory look-ups are shared between the navigation and the pages (one request per district). */
const directories = new Map<string, Promise<DirectoryAgency[]>>();
export function directoryOf(districtCode: string): Promise<DirectoryAgency[]> {
  let found = directories.get(districtCode);
  if (!found) {
    found = api.agencies(districtCode).then((l) => l.items);
    found.catch(() => directories.delete(districtCode));
    directories.set(districtCode, found);
  }
  return found;
}

/** The account's ledger reach; undefined while the directory loads. */
export function useLedgerReach(user: User): LedgerReach | undefined {
  const needsDirectory = user.role === 'agency_staff' || user.role === 'agency_supervisor';
  const dir = useLoad(
    () => (needsDirectory ? directoryOf(user.jurisdiction.districtCode) : Promise.resolve([])),
    [user.jurisdiction.districtCode, needsDirectory],
  );
  if (dir.status === 'loading') return needsDirectory ? undefined : reachOf(user, []);
  if (dir.status === 'error') return { kind: 'none' };
  return reachOf(user, dir.data);
}

/** Transfers move a child between streets or districts: the street office and the coordinators do it. */
export function canTransfer(reach: LedgerReach | undefined): boolean {
  return reach?.kind === 'district' || reach?.kind === 'street';
}
