/**
 * Who is calling: `authenticate` reads the session token (a bearer token for API clients, the HTTP-only cookie for the
 * web app), loads the account it names and puts the Actor on the request; `requireRole` lets through only the roles a
 * route names. Every refusal is the same 401 "Authentication required", whatever was wrong with the token.
 */
import type { RequestHandler, Response } from 'express';
import { AppError, ErrorCode } from '../../common/errors';
import type { UserRepository } from '../../models/user';
import { cachedAccountLookup, type AuthAccount } from '../../models/user-cache';
import type { Actor } from './actor';
import type { Role } from './roles';
import type { IssuedToken, TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

/** The web app's session cookie: HTTP-only, SameSite=Strict, sent only to the API. */
export const SESSION_COOKIE = 'childsafe_session';
const COOKIE_PATH = '/api';

export function actorOf(user: AuthAccount): Actor {
  const { districtCode, streetCode } = user.jurisdiction;
  return {
    userId: String(user._id),
    role: user.role,
    agencyCode: user.agencyCode,
    jurisdiction: streetCode ? { districtCode, streetCode } : { districtCode },
  };
}

export function setSessionCookie(res: Response, session: IssuedToken, secure: boolean): void {
  res.cookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: COOKIE_PATH,
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH });
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const unauthenticated = () => new AppError(ErrorCode.Unauthenticated, 'Authentication required');

export function createAuthenticate(deps: {
  tokens: TokenService;
  users: Pick<UserRepository, 'findById'>;
}): RequestHandler {
  const users = cachedAccountLookup(deps.users);
  return async (req, res, next) => {
    const bearer = /^Bearer ([A-Za-z0-9._-]+)$/.exec(req.get('authorization') ?? '')?.[1];
    const token = bearer ?? cookieValue(req.get('cookie'), SESSION_COOKIE);
    const claims = token ? deps.tokens.verify(token) : undefined;
    const user = claims ? await users.findById(claims.userId) : null;
    if (!claims || !user || !user.active || user.tokenVersion !== claims.tokenVersion) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="childsafe"');
      next(unauthenticated());
      return;
    }
    req.actor = actorOf(user);
    next();
  };
}

/** After `authenticate`: 403 for any role not named. */
export function requireRole(...roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(unauthenticated());
    if (!roles.includes(req.actor.role)) return next(new AppError(ErrorCode.Forbidden, 'Not permitted'));
    next();
  };
}
