/**
 * Detention notices (CN 三(四)): the children of a detained adult get their files found or opened (one file per
 * child, as for reports), so the care-arrangement tasks refer to real files.
 */
import type { CaseJurisdiction, ReportedChild } from '../workflows/definitions';

export interface DetainedPersonsChildrenInput {
  noticeId: string;
  children: (ReportedChild & { needsEntrustedCare: boolean })[];
  place?: CaseJurisdiction & { address?: string };
}

/** Implemented over MongoDB (activities/stores/detention-store.ts); idempotent per notice and child position. */
export interface DetentionChildStore {
  recordChildren(input: DetainedPersonsChildrenInput): Promise<{ childId: string; needsEntrustedCare: boolean }[]>;
}

export function createDetentionActivities({ children }: { children: DetentionChildStore }) {
  return {
    async recordDetainedPersonsChildren(input: DetainedPersonsChildrenInput) {
      return children.recordChildren(input);
    },
  };
}

export type DetentionActivities = ReturnType<typeof createDetentionActivities>;
