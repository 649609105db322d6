import { createHmac, randomBytes } from 'node:crypto';
import { createTokenService } from '../../../api/auth/tokens';

const secret = randomBytes(32).toString('base64');

function forge(payload: object, header: object = { alg: 'HS256', typ: 'JWT' }, key = secret): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', Buffer.from(key, 'base64')).update(input).digest('base64url')}`;
}

describe('session tokens', () => {
  it('issues an HS256 JWT that verifies to the same account and version until it expires', () => {
    let now = new Date('2026-11-23T08:00:00Z');
    const tokens = createTokenService({ secret, ttlMinutes: 30, now: () => now });
    const { token, expiresAt } = tokens.issue({ userId: 'u1', tokenVersion: 3 });
    expect(expiresAt.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    const [header, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as unknown);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'u1', ver: 3, iss: 'childsafe', aud: 'childsafe-api' });
    expect(tokens.verify(token)).toEqual({ userId: 'u1', tokenVersion: 3 });
    now = new Date('2026-11-23T08:29:59Z');
    expect(tokens.verify(token)).toEqual({ userId: 'u1', tokenVersion: 3 });
    now = new Date('2026-11-23T08:30:00Z');
    expect(tokens.verify(token)).toBeUndefined();
  });

  it('refuses a token signed with another secret, altered, unsigned or of another algorithm', () => {
    const tokens = createTokenService({ secret, ttlMinutes: 30 });
    const exp = Math.floor(Date.now() / 1000) + 600;
    const claims = { iss: 'childsafe', aud: 'childsafe-api', sub: 'u1', ver: 0, exp };
    expect(tokens.verify(forge(claims))).toEqual({ userId: 'u1', tokenVersion: 0 });
    expect(tokens.verify(forge(claims, undefined, randomBytes(32).toString('base64')))).toBeUndefined();
    expect(tokens.verify(forge(claims, { alg: 'HS512', typ: 'JWT' }))).toBeUndefined();
    const [h, , s] = forge(claims).split('.');
    const elevated = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    expect(tokens.verify(`${h}.${elevated}.${s}`)).toBeUndefined();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(tokens.verify(`${none}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`)).toBeUndefined();
  });

  it('refuses well-signed tokens with the wrong issuer, audience or missing claims', () => {
    const tokens = createTokenService({ secret, ttlMinutes: 30 });
    const exp = Math.floor(Date.now() / 1000) + 600;
    const base = { iss: 'childsafe', aud: 'childsafe-api', sub: 'u1', ver: 0, exp };
    expect(tokens.verify(forge({ ...base, iss: 'other' }))).toBeUndefined();
    expect(tokens.verify(forge({ ...base, aud: 'other' }))).toBeUndefined();
    expect(tokens.verify(forge({ ...base, sub: '' }))).toBeUndefined();
    expect(tokens.verify(forge({ ...base, ver: '0' }))).toBeUndefined();
    expect(tokens.verify(forge({ iss: 'childsafe', aud: 'childsafe-api', sub: 'u1', ver: 0 }))).toBeUndefined();
    for (const garbage of ['', 'a.b', 'a.b.c.d', '...', 'not a token']) expect(tokens.verify(garbage)).toBeUndefined();
  });

  it('will not start with a secret shorter than 32 bytes', () => {
    expect(() => createTokenService({ secret: randomBytes(16).toString('base64'), ttlMinutes: 30 })).toThrow(
      /32 bytes/,
    );
  });
});
