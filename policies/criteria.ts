/** Evaluates a pack's category and benefit criteria against the facts an assessment recorded. Pure. */
import type { AssessmentFact, Criterion } from './schema';

/** What an assessment established about a child: the facts that hold, and the child's age in whole years. */
export interface AssessmentFacts {
  ageYears: number;
  facts: readonly AssessmentFact[];
}

/** The first criterion that holds (for explaining why), or undefined. */
export function matchingCriterion(criteria: readonly Criterion[], assessment: AssessmentFacts): Criterion | undefined {
  const present = new Set(assessment.facts);
  return criteria.find(
    (c) => c.allOf.every((fact) => present.has(fact)) && (c.underAge === undefined || assessment.ageYears < c.underAge),
  );
}

/** Whole years between a date of birth and a day, as a person's age is counted. */
export function ageInYears(dateOfBirth: Date, on: Date): number {
  let age = on.getUTCFullYear() - dateOfBirth.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < dateOfBirth.getUTCMonth() ||
    (on.getUTCMonth() === dateOfBirth.getUTCMonth() && on.getUTCDate() < dateOfBirth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}
