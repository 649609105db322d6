/**
 * The workflow's refusal of a command, in words with its clause: the API answers 409/422 with details.rejection (the
 * failure type of workflows/failures.ts) and the workflow's reason, which begins with the clause it enforces
 * ("CN 四(三): …"). The page shows the clause and a Chinese sentence per rejection, and the reason beneath it.
 */
import { ApiError } from '../../../api/client';
import { GENERIC, REFUSALS, type Words } from './words';

export interface Refusal {
  clause?: string;
  words: Words;
  /** The workflow's own reason (English, names the clause), when there is one. */
  detail?: string;
}

const CLAUSE = /^((?:CN|FT) [^:：]{1,40})[:：]/;

/** The clause a workflow reason starts with ("CN 四(四)3: …" → "CN 四(四)3"), if any. */
export function clauseOf(message: string): string | undefined {
  return CLAUSE.exec(message.trim())?.[1];
}

export function refusalOf(err: unknown): Refusal {
  if (!(err instanceof ApiError)) return { words: GENERIC.failed };
  if (err.isNetwork) return { words: GENERIC.network };
  const known = err.rejection ? REFUSALS[err.rejection] : undefined;
  if (known) {
    return {
      clause: clauseOf(err.message) ?? known.clause,
      words: known.words,
      detail: err.message,
    };
  }
  switch (err.status) {
    case 403:
      return { words: GENERIC.forbidden };
    case 404:
      return { words: GENERIC.notFound };
    case 409:
      return { words: GENERIC.conflict, detail: err.message };
    case 503:
      return { words: GENERIC.unavailable };
    default:
      return { clause: clauseOf(err.message), words: GENERIC.failed, detail: err.message };
  }
}
