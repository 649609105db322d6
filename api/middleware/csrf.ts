/**
 * Cross-site request forgery guard. The session cookie is SameSite=Strict, but "site" ignores the port: a page on
 * another port of the same host (the Temporal UI, a developer tool) is same-site and its forms and fetches carry the
 * cookie. So a state-changing request (anything but GET, HEAD, OPTIONS) that a browser could have sent with the
 * cookie must come from our own origin:
 *
 * - a bearer token in Authorization: not cookie-authenticated, nothing to forge, unchanged;
 * - else `Sec-Fetch-Site` (set by the browser, not by page scripts): only `same-origin` passes, or a cross-origin
 *   request whose Origin is one of CORS_ORIGINS (explicitly allowed with credentials);
 * - else `Origin` (older browsers): it must be our origin (the Host the request came to, or PUBLIC_URL's), or one of
 *   CORS_ORIGINS;
 * - else, with neither header: a request carrying the session cookie is refused (every browser that could be
 *   tricked into sending it sends one of the two); one without the cookie (an API client signing in) passes.
 *
 * Refusals are 403 FORBIDDEN and leak nothing.
 */
import type { Request, RequestHandler } from 'express';
import { AppError, ErrorCode } from '../../common/errors';
import { SESSION_COOKIE } from '../auth/authenticate';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function hasSessionCookie(req: Request): boolean {
  return (req.get('cookie') ?? '').split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
}

export function csrfGuard(options: { publicUrl: string; allowedOrigins: readonly string[] }): RequestHandler {
  const publicOrigin = new URL(options.publicUrl).origin;
  const allowed = new Set(options.allowedOrigins);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || !req.path.startsWith('/api/')) return next();
    if (/^Bearer /.test(req.get('authorization') ?? '')) return next();
    const origin = req.get('origin');
    const fetchSite = req.get('sec-fetch-site');
    let sameOrigin: boolean;
    if (fetchSite) sameOrigin = fetchSite === 'same-origin' || (origin !== undefined && allowed.has(origin));
    else if (origin) {
      const own = `${req.protocol}://${req.get('host')}`;
      sameOrigin = origin === own || origin === publicOrigin || allowed.has(origin);
    } else sameOrigin = !hasSessionCookie(req);
    if (sameOrigin) return next();
    next(new AppError(ErrorCode.Forbidden, 'Cross-site request refused'));
  };
}
