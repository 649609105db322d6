/** A complete configuration for tests, pointing at the suite's servers, with fresh secrets. */
import { randomBytes } from 'node:crypto';
import { parseConfig, type Config } from '../../common/config';

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE,
    MONGODB_URI: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:1/unset',
    SMTP_URL: process.env.SMTP_URL ?? 'smtp://127.0.0.1:1',
    PAYLOAD_KEYS: `test1:${randomBytes(32).toString('base64')}`,
    CHILD_DATA_KEY: randomBytes(32).toString('base64'),
    AUTH_TOKEN_SECRET: randomBytes(32).toString('base64'),
    ...overrides,
  });
}
