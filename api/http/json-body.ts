/**
 * The JSON body parser, with the checks that must run on the raw bytes before anything parses or walks the body:
 * a size limit (413 naming it), a nesting-depth limit (400 naming it: 3,000 nested arrays are 6 KB, far under the
 * size limit, and would otherwise reach every recursive check behind the parser), and strict UTF-8 (400: invalid bytes
 * would otherwise be silently replaced by U+FFFD and stored). The depth scan is one loop over the bytes, no recursion.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';

export const JSON_LIMIT_BYTES = 64 * 1024;
export const JSON_MAX_DEPTH = 32;

/** A body refused before parsing; `type` is what the error middleware maps to an answer. */
export class BodyRejectedError extends Error {
  override readonly name = 'BodyRejectedError';
  readonly status = 400;
  constructor(
    readonly type: 'entity.too.deep' | 'entity.encoding.invalid',
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** The deepest nesting of objects and arrays in JSON text (brackets inside strings do not count). */
export function jsonDepth(bytes: Uint8Array, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

export function jsonBody(options: { limitBytes?: number; maxDepth?: number } = {}): RequestHandler {
  const maxDepth = options.maxDepth ?? JSON_MAX_DEPTH;
  return express.json({
    limit: options.limitBytes ?? JSON_LIMIT_BYTES,
    strict: true,
    verify(_req, _res, body, encoding) {
      const charset = (encoding ?? 'utf-8').toLowerCase();
      if ((charset !== 'utf-8' && charset !== 'utf8') || !isUtf8(body)) {
        throw new BodyRejectedError('entity.encoding.invalid', 'request body is not valid UTF-8');
      }
      if (jsonDepth(body, maxDepth) > maxDepth) {
        throw new BodyRejectedError('entity.too.deep', `request body nests deeper than ${maxDepth} levels`);
      }
    },
  });
}
