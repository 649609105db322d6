/**
 * The roles a ChildSafe account can hold. A role says what kind of work a person does; the agency code and the
 * jurisdiction on the account say where. What each role may see and do is decided in api/auth/permissions.ts.
 * One definition for the API, the models and the web app.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema';

export const ROLES = [
  /** School, kindergarten, hospital, residents'/villagers' committee, social-work, rescue or welfare institution
   *  staff who must report (强制报告, CN 四(一), FT 三(二)4): they file reports and follow their own. */
  'mandated_reporter',
  /** Staff of an agency that receives tasks (police, civil affairs, education, health, social work …). */
  'agency_staff',
  /** Heads an agency's work: same reach as staff, and is told when the agency misses a deadline. */
  'agency_supervisor',
  /** The street office (街道) child-protection coordinator: every case of one street or township. */
  'street_coordinator',
  /** The district civil-affairs coordinator (民政局 / 妇儿工委办): every case of the district. */
  'district_coordinator',
  /** Court: guardianship revocation and designation, juvenile cases, sealed juvenile records (FT 三(三)2(5)). */
  'court_staff',
  /** Procuratorate: prosecution and supervision of agencies that fail their duties (FT 三(三)2(4)). */
  'procuratorate_staff',
  /** Manages accounts only; sees no child data (least privilege, domain.md §6). */
  'administrator',
] as const;

export const roleSchema = lazySchema(() => z.enum(ROLES));
export type Role = z.infer<ReturnType<typeof roleSchema>>;

/** Every role except the ones that never work on cases: convenient for routes open to all case workers. */
export const CASE_WORKER_ROLES = [
  'agency_staff',
  'agency_supervisor',
  'street_coordinator',
  'district_coordinator',
  'court_staff',
  'procuratorate_staff',
] as const satisfies readonly Role[];

/** Staff of the agencies that receive tasks: their home page is the inbox. */
export const AGENCY_ROLES = [
  'agency_staff',
  'agency_supervisor',
  'court_staff',
  'procuratorate_staff',
] as const satisfies readonly Role[];

/** The protection network's coordinators (CN 五(一), FT 三(三)1): they approve placements, extensions, closure. */
export const COORDINATOR_ROLES = ['street_coordinator', 'district_coordinator'] as const satisfies readonly Role[];

export function isAgencyRole(role: Role): role is (typeof AGENCY_ROLES)[number] {
  return (AGENCY_ROLES as readonly Role[]).includes(role);
}

export function isCoordinatorRole(role: Role): role is (typeof COORDINATOR_ROLES)[number] {
  return (COORDINATOR_ROLES as readonly Role[]).includes(role);
}
