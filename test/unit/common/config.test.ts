import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from '../../../common/config';

const valid = () => ({
  MONGODB_URI: 'mongodb://127.0.0.1:27017/childsafe',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  PAYLOAD_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  CHILD_DATA_KEY: randomBytes(32).toString('base64'),
  AUTH_TOKEN_SECRET: randomBytes(32).toString('base64'),
});

describe('configuration from the environment', () => {
  it('accepts a complete environment and fills the defaults', () => {
    const config = parseConfig(valid());
    expect(config).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'childsafe',
      PAYLOAD_KEY_ID: 'k1',
      API_PORT: 3000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('trusts no proxy unless TRUSTED_PROXIES names addresses, ranges or express keywords', () => {
    expect(parseConfig(valid()).TRUSTED_PROXIES).toEqual([]);
    expect(
      parseConfig({ ...valid(), TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16, ::1, fd00::/8, loopback' }).TRUSTED_PROXIES,
    ).toEqual(['10.0.0.1', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback']);
    expect(() => parseConfig({ ...valid(), TRUSTED_PROXIES: 'proxy.internal' })).toThrow(
      /TRUSTED_PROXIES: "proxy.internal"/,
    );
    expect(() => parseConfig({ ...valid(), TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('names every missing variable', () => {
    const { MONGODB_URI: _m, AUTH_TOKEN_SECRET: _a, ...rest } = valid();
    expect(() => parseConfig(rest)).toThrow(ConfigError);
    expect(() => parseConfig(rest)).toThrow(/MONGODB_URI: is required[\s\S]*AUTH_TOKEN_SECRET: is required/);
  });

  it('names a bad value and says why', () => {
    expect(() => parseConfig({ ...valid(), API_PORT: 'eighty' })).toThrow(/API_PORT/);
    expect(() => parseConfig({ ...valid(), CHILD_DATA_KEY: 'c2hvcnQ=' })).toThrow(/CHILD_DATA_KEY: must be 32 bytes/);
    expect(() => parseConfig({ ...valid(), PAYLOAD_KEYS: 'nokey' })).toThrow(
      /PAYLOAD_KEYS: each entry must be keyId:BASE64/,
    );
    expect(() => parseConfig({ ...valid(), SMTP_URL: 'http://x' })).toThrow(/SMTP_URL: must be an smtp/);
  });

  it('rejects a current payload key id that has no key', () => {
    expect(() => parseConfig({ ...valid(), PAYLOAD_KEY_ID: 'k9' })).toThrow(/PAYLOAD_KEY_ID: no key "k9"/);
  });
});
