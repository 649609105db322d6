/**
 * The actions slot of each section of the case page: the forms a role may use there (a placement decision at the
 * cap, a legal step, a guardian refusal, ...). A section shows its slot's actions under its content, and shows
 * itself when it has actions even if it has nothing to show yet. Each entry decides from `useCase()` whether the
 * viewer's role may act and returns null otherwise.
 */
import type { ComponentType } from 'react';
import {
  CaseActions,
  CourtActions,
  LegalActions,
  NeglectActions,
  PlacementActions,
  SealedNote,
  ServicesActions,
} from './forms/Actions';

export type CaseSectionId =
  | 'summary'
  | 'clocks'
  | 'child'
  | 'placements'
  | 'guardian'
  | 'services'
  | 'legal'
  | 'neglect'
  | 'court'
  | 'escort'
  | 'benefits'
  | 'tasks'
  | 'timeline';

/** Filled per section by the action forms; empty sections have no actions. */
export const SECTION_ACTIONS: Partial<Record<CaseSectionId, ComponentType>> = {
  summary: CaseActions,
  child: SealedNote,
  placements: PlacementActions,
  services: ServicesActions,
  legal: LegalActions,
  neglect: NeglectActions,
  court: CourtActions,
};
