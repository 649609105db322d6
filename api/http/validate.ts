/**
 * Request validation from zod schemas. Every invalid field is named in one 400 answer (details.fields), unknown fields
 * are refused (schemas are strict objects), and no key that MongoDB could read as an operator or a path ever reaches
 * a handler: a key starting with '$' or containing '.' anywhere in a body or query is refused before the schema runs.
 * Handlers read the parsed values from `req.valid`.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { validationError, type FieldError } from '../../common/errors';

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
      const input: unknown = req[part];
      for (const path of part === 'params' ? [] : forbiddenKeys(input)) {
        fields.push({ field: fieldName(part, path), message: "field names may not start with '$' or contain '.'" });
      }
      const result = schema.safeParse(input);
      if (result.success) valid[part] = result.data;
      else fields.push(...issueMessages(part, result.error.issues));
    }
    if (fields.length) return next(validationError(fields));
    req.valid = valid;
    next();
  };
}
