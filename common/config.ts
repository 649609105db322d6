/**
 * The whole configuration of a ChildSafe process: one zod schema over the environment, parsed once at start and
 * frozen. A missing or bad value stops the process with a message naming the variable and the reason.
 * `npm start` fills the secrets for local use (generated once into data/secrets.json); production sets them all.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const base64Key = (bytes: number) =>
  z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === bytes, { message: `must be ${bytes} bytes, base64-encoded` });

/** "k1:BASE64,k2:BASE64": every key that may still decrypt old payloads; the current one is PAYLOAD_KEY_ID. */
const payloadKeys = z.string().transform((value, ctx) => {
  const keys: Record<string, string> = {};
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, key] = entry.split(':');
    if (!id || !key || !/^[A-Za-z0-9_-]+$/.test(id) || Buffer.from(key, 'base64').length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:BASE64 with a 32-byte key' });
      return z.NEVER;
    }
    keys[id] = key;
  }
  if (Object.keys(keys).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  return keys;
});

const port = z.coerce.number().int().min(0).max(65535);

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** "10.0.0.1, 10.1.0.0/16, loopback": the proxies whose X-Forwarded-For is believed; empty: none. */
const trustedProxies = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const maxBits = family === 6 ? 128 : 32;
      const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
      if (!PROXY_KEYWORDS.has(entry) && (family === 0 || !okBits || extra !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('childsafe'),
    TEMPORAL_UI_URL: z.url().optional(),
    MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
    MAIL_FROM: z.string().min(3).default('ChildSafe 儿童保护转介 <noreply@childsafe.local>'),
    MAIL_SINK_DIR: z.string().optional(),
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: port.default(3000),
    PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
      ),
    TRUSTED_PROXIES: trustedProxies,
    PAYLOAD_KEYS: payloadKeys,
    PAYLOAD_KEY_ID: z.string().optional(),
    CHILD_DATA_KEY: base64Key(32),
    AUTH_TOKEN_SECRET: base64Key(32),
    AUTH_TOKEN_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(480),
  })
  .transform((c, ctx) => {
    const currentKeyId = c.PAYLOAD_KEY_ID ?? Object.keys(c.PAYLOAD_KEYS)[0]!;
    if (!c.PAYLOAD_KEYS[currentKeyId]) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_KEY_ID'], message: `no key "${currentKeyId}" in PAYLOAD_KEYS` });
      return z.NEVER;
    }
    return { ...c, PAYLOAD_KEY_ID: currentKeyId };
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const name = i.path.join('.') || '(environment)';
      const missing = i.code === 'invalid_type' && env[name] === undefined;
      return `  ${name}: ${missing ? 'is required but not set' : i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data);
}

/** For process entry points: parse or exit(1) with the message. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
