/**
 * Session tokens: compact JWS (JWT) signed with HMAC-SHA256 under AUTH_TOKEN_SECRET, expiring after
 * AUTH_TOKEN_TTL_MINUTES. The token names the account and its token version only; `authenticate` loads the account on
 * every request, so deactivating it, changing its role or logging out takes effect at once.
 *
 * Written on node:crypto rather than jose: jose 6 ships ESM only, which Jest's CommonJS runtime cannot load without a
 * transform exception in jest.config.js. The format is standard HS256 JWT, so jose (or any JWT library) verifies these
 * tokens, and swapping the implementation changes nothing outside this file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ISSUER = 'childsafe';
const AUDIENCE = 'childsafe-api';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface TokenClaims {
  userId: string;
  /** The account's token version when the token was issued; logging out bumps it, voiding older tokens. */
  tokenVersion: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export interface TokenService {
  issue(claims: TokenClaims): IssuedToken;
  /** The claims of a well-formed, correctly signed, unexpired token; undefined for anything else. */
  verify(token: string): TokenClaims | undefined;
}

export function createTokenService(options: { secret: string; ttlMinutes: number; now?: () => Date }): TokenService {
  const key = Buffer.from(options.secret, 'base64');
  if (key.length < 32) throw new Error('AUTH_TOKEN_SECRET must be at least 32 bytes');
  const now = options.now ?? (() => new Date());
  const sign = (input: string) => createHmac('sha256', key).update(input).digest();

  return {
    issue({ userId, tokenVersion }) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const exp = issuedAt + options.ttlMinutes * 60;
      const payload = { iss: ISSUER, aud: AUDIENCE, sub: userId, ver: tokenVersion, iat: issuedAt, exp };
      const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return { token: `${signingInput}.${sign(signingInput).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
    },

    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [header, body, signature] = parts as [string, string, string];
      // Only our own header is accepted, which rules out `alg: none` and algorithm confusion.
      if (header !== HEADER) return undefined;
      const expected = sign(`${header}.${body}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      const { iss, aud, sub, ver, exp } = payload;
      if (iss !== ISSUER || aud !== AUDIENCE || typeof sub !== 'string' || !sub) return undefined;
      if (typeof ver !== 'number' || !Number.isInteger(ver) || typeof exp !== 'number') return undefined;
      if (exp * 1000 <= now().getTime()) return undefined;
      return { userId: sub, tokenVersion: ver };
    },
  };
}
