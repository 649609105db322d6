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
 * One exception, by path: the Temporal UI (TEMPORAL_UI_URL) calls the codec endpoint (`/api/v1/codec/…`) from its own
 * origin with the coordinator's cookie: that origin is accepted there and nowhere else (it cannot sign out, file or
 * change anything). The codec endpoint writes nothing but its audit events and answers only its own roles.
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

const CODEC_PATH = '/api/v1/codec/';

export function csrfGuard(options: {
  publicUrl: string;
  allowedOrigins: readonly string[];
  /** TEMPORAL_UI_URL: its origin may call the codec endpoint with the cookie. */
  temporalUiUrl?: string;
}): RequestHandler {
  const publicOrigin = new URL(options.publicUrl).origin;
  const allowed = new Set(options.allowedOrigins);
  const temporalUi = options.temporalUiUrl ? new URL(options.temporalUiUrl).origin : undefined;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || !req.path.startsWith('/api/')) return next();
    if (/^Bearer /.test(req.get('authorization') ?? '')) return next();
    const origin = req.get('origin');
    if (temporalUi !== undefined && origin === temporalUi && req.path.startsWith(CODEC_PATH)) return next();
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
