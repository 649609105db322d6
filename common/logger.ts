/**
 * Structured logs with pino. Child data never reaches a log line: the paths below are redacted wherever they appear,
 * and the code logs ids and stages, not records.
 */
import pino, { type Logger } from 'pino';

// Top-level `name` is pino's logger name; a child's name can only appear nested in a logged object.
export const REDACTED_PATHS = [
  '*.name',
  'idNumber',
  '*.idNumber',
  'child',
  '*.child',
  'dateOfBirth',
  '*.dateOfBirth',
  'guardians',
  '*.guardians',
  'account',
  '*.account',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: options.name },
  });
}

export type { Logger };
