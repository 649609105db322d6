/**
 * What every section of the case page reads: the case as the API returned it, the signed-in user, the clock that
 * moves countdowns, the pack's words for its deadlines, and `reload` (an action calls it once the workflow took it).
 */
import { createContext, useContext } from 'react';
import type { CaseView } from '../../../../contracts/cases';
import type { usePackWords } from '../../clocks';
import type { useUser } from '../../session';

export interface CaseContextValue {
  view: CaseView;
  user: ReturnType<typeof useUser>;
  now: number;
  words: ReturnType<typeof usePackWords>;
  reload(): void;
  /** The printed summary: the same sections, without their forms. */
  print?: boolean;
}

export const CaseContext = createContext<CaseContextValue | null>(null);

export function useCase(): CaseContextValue {
  const value = useContext(CaseContext);
  if (!value) throw new Error('useCase outside the case page');
  return value;
}
