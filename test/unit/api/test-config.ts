/** A valid configuration for API tests: fresh random secrets, the suite's servers where they are set. */
import { randomBytes } from 'node:crypto';
import { parseConfig, type Config } from '../../../common/config';

export function testConfig(overrides: Record<string, string> = {}): Config {
  const key = () => randomBytes(32).toString('base64');
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGODB_URI: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:1/unused',
    SMTP_URL: process.env.SMTP_URL ?? 'smtp://127.0.0.1:1',
    PAYLOAD_KEYS: `k1:${key()}`,
    CHILD_DATA_KEY: key(),
    AUTH_TOKEN_SECRET: key(),
    ...overrides,
  });
}
