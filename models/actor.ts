/**
 * Who is making a request: built by api/auth/authenticate.ts from a verified token and the account it names, never from
 * anything else the client sends. Every permission question and every repository scope starts from an Actor.
 */
import type { Role } from '../contracts/roles';

export interface Jurisdiction {
  /** GB/T 2260 district code, e.g. 310105 for Changning. */
  districtCode: string;
  /** The street/township code from the agency directory; set for street-level accounts. */
  streetCode?: string;
}

export interface Actor {
  userId: string;
  role: Role;
  agencyCode: string;
  jurisdiction: Jurisdiction;
}
