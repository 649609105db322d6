/**
 * Request validation from zod schemas. Every invalid field is named in one 400 answer (details.fields), unknown fields
 * are refused (schemas are strict objects), and no key that MongoDB could read as an operator or a path ever reaches
 * a handler: a key starting with '$' or containing '.' anywhere in a body or query is refused before the schema runs.
 * Every string in a body or query is NFC-normalised before the schema sees it, and one holding a lone surrogate, a
 * control character or a bidi override is refused, naming its field (contracts/text.ts). The body's depth was bounded
 * by the parser (api/http/json-body.ts) before any of these recursive walks. Handlers read the parsed values from
 * `req.valid`.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { validationError, type FieldError } from '../../common/errors';
import { normalizeText, textProblem } from '../../contracts/text';

export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

type Part = keyof RequestSchemas;

declare module 'express-serve-static-core' {
  interface Request {
    /** The parsed body, query and params, set by `validate`. */
    valid?: { body: unknown; query: unknown; params: unknown };
  }
}

const PARTS: readonly Part[] = ['body', 'query', 'params'];

/** Body fields are named by their path ("child.dateOfBirth"); query and params fields carry the part's name. */
function fieldName(part: Part, path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  if (part === 'body') return dotted || '(body)';
  return dotted ? `${part}.${dotted}` : `(${part})`;
}

/** Every key that starts with '$' or contains '.', at any depth. */
export function forbiddenKeys(value: unknown, path: readonly string[] = []): string[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => forbiddenKeys(item, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, nested]) => {
    const here = [...path, key];
    return key.startsWith('$') || key.includes('.') ? [here] : forbiddenKeys(nested, here);
  });
}

/** The value with every string NFC-normalised; every string refused by `textProblem` is reported with its path. */
export function normalizeStrings(
  value: unknown,
  problems: { path: string[]; message: string }[],
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    const message = textProblem(value);
    if (message) problems.push({ path, message });
    return normalizeText(value);
  }
  if (Array.isArray(value)) return value.map((item, i) => normalizeStrings(item, problems, [...path, String(i)]));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, nested]) => [key, normalizeStrings(nested, problems, [...path, key])]),
  );
}

function issueMessages(part: Part, issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName(part, [...issue.path, key]),
        message: 'is not a known field',
      }));
    }
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return [{ field: fieldName(part, issue.path), message: missing ? 'is required' : issue.message }];
  });
}

export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, _res, next) => {
    const fields: FieldError[] = [];
    const valid: Record<Part, unknown> = { body: undefined, query: undefined, params: undefined };
    for (const part of PARTS) {
      const schema = schemas[part];
      if (!schema) continue;
      const raw: unknown = req[part];
      for (const path of part === 'params' ? [] : forbiddenKeys(raw)) {
        fields.push({ field: fieldName(part, path), message: "field names may not start with '$' or contain '.'" });
      }
      const textProblems: { path: string[]; message: string }[] = [];
      const input = normalizeStrings(raw, textProblems);
      for (const { path, message } of textProblems) fields.push({ field: fieldName(part, path), message });
      const result = schema.safeParse(input);
      if (result.success) valid[part] = result.data;
      else fields.push(...issueMessages(part, result.error.issues));
    }
    if (fields.length) {
      const seen = new Set<string>();
      const distinct = fields.filter(
        (f) => !seen.has(`${f.field}\0${f.message}`) && seen.add(`${f.field}\0${f.message}`),
      );
      return next(validationError(distinct));
    }
    req.valid = valid;
    next();
  };
}
