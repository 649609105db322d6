/**
 * The screening import's ledger writes over the street ledger's repository: a screened child below the report
 * threshold is enrolled on the ledger of the street they live in (source 'screening', FT 三(二)1), or, when already
 * on a ledger, has the screening's facts updated. The import's workflow id is the enrolling actor, so a chunk retried
 * after a crash still answers 'enrolled' for a child this import enrolled.
 */
import type { GUARDIAN_RELATIONS } from '../../contracts/enums';
import type { ScreeningLedger, ScreeningLedgerEntry } from '../screening';

interface Identity {
  idNumber: string;
  name: string;
  sex?: 'male' | 'female';
  dateOfBirth?: Date;
  districtCode: string;
  residence?: { districtCode: string; streetCode?: string; committeeCode?: string; address?: string };
  school?: { name?: string; agencyCode?: string };
}

/** The answer of a look-up of many children, handed back to enrolOnLedger (models/child-repository.ts). */
type FileLookup = Awaited<ReturnType<LedgerEnrolPort['lookUpFiles']>>;

/** The part of the ledger repository (models/ledger-repository.ts) the import uses. */
export interface LedgerEnrolPort {
  /** The child files of many identities in one query. */
  lookUpFiles(identities: Identity[]): Promise<{ get(identity: Identity): unknown }>;
  enrolOnLedger(
    input: {
      identity: Identity;
      place: { districtCode: string; streetCode: string; committeeCode?: string };
      source: 'screening';
      by: { kind: 'workflow'; id: string; role: string; agencyCode?: string };
      reason?: string;
      categories?: string[];
      leftBehind?: boolean;
      riskLevel?: 'low' | 'medium' | 'high';
      school?: { name?: string; agencyCode?: string };
      guardians?: {
        name: string;
        relation: (typeof GUARDIAN_RELATIONS)[number];
        phone?: string;
      }[];
      arrangement?: { caregiverName: string; relation: string; phone?: string; since?: Date };
    },
    known?: FileLookup,
  ): Promise<{
    childId: string;
    enrolled: boolean;
    child: { ledger?: { enrolledBy?: { userId?: string } | null } | null };
  }>;
}

type Relation = NonNullable<Parameters<LedgerEnrolPort['enrolOnLedger']>[0]['guardians']>[number]['relation'];

/** Only the look-up key of an entry's identity (the ID number) counts for the look-up. */
const lookUpIdentity = (idNumber: string): Identity => ({ idNumber, name: '', districtCode: '' });

export function createScreeningLedger(ledger: LedgerEnrolPort, known?: FileLookup): ScreeningLedger {
  return {
    async forRows(idNumbers: string[]) {
      return createScreeningLedger(ledger, await ledger.lookUpFiles(idNumbers.map(lookUpIdentity)));
    },

    async enrolFromScreening(e: ScreeningLedgerEntry) {
      const place = {
        districtCode: e.districtCode,
        streetCode: e.streetCode,
        ...(e.committeeCode ? { committeeCode: e.committeeCode } : {}),
      };
      const school = { name: e.school.name, agencyCode: e.school.agencyCode };
      const result = await ledger.enrolOnLedger(
        {
          identity: {
            idNumber: e.idNumber,
            name: e.name,
            ...(e.sex ? { sex: e.sex } : {}),
            dateOfBirth: new Date(`${e.dateOfBirth}T00:00:00Z`),
            districtCode: e.districtCode,
            residence: { ...place, ...(e.address ? { address: e.address } : {}) },
            school,
          },
          place,
          source: 'screening',
          by: { kind: 'workflow', id: e.workflowId, role: 'system', agencyCode: e.by.agencyCode },
          reason: `screening import ${e.screening.importId} row ${e.screening.row} (score ${e.screening.score})`,
          // A screening adds what it found; it does not take away categories a case decided.
          ...(e.categories.length ? { categories: e.categories } : {}),
          leftBehind: e.leftBehind,
          riskLevel: e.risk,
          school,
          ...(e.guardian ? { guardians: [{ ...e.guardian, relation: e.guardian.relation as Relation }] } : {}),
          ...(e.caregiver
            ? {
                arrangement: {
                  caregiverName: e.caregiver.name,
                  relation: e.caregiver.relation ?? '其他',
                  ...(e.caregiver.phone ? { phone: e.caregiver.phone } : {}),
                  ...(e.caregiver.since ? { since: new Date(`${e.caregiver.since}T00:00:00Z`) } : {}),
                },
              }
            : {}),
        },
        known,
      );
      const enrolledHere = result.enrolled || result.child.ledger?.enrolledBy?.userId === e.workflowId;
      return { childId: result.childId, outcome: enrolledHere ? 'enrolled' : 'updated' };
    },
  };
}
