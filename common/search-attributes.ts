/**
 * Custom search attributes ChildSafe keeps on case workflows. They hold stages, dates and policy ids only, never
 * personal data: Temporal's visibility store is readable by anyone with namespace access and is not encrypted.
 */
export const CHILDSAFE_SEARCH_ATTRIBUTES = {
  CaseStage: 'Keyword',
  NextDeadline: 'Datetime',
  PolicyPack: 'Keyword',
} as const;

export type ChildSafeSearchAttributeName = keyof typeof CHILDSAFE_SEARCH_ATTRIBUTES;
