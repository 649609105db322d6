/**
 * Signing in and out, and who am I. POST /login answers a bearer token for API clients and sets the HTTP-only session
 * cookie for the web app; every refused sign-in gets the same 401, whether the address has no account, the password
 * is wrong or the account is locked.
 */
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { AppError, ErrorCode, validationError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { UserRecord, UserRepository } from '../../models/user';
import type { AuditSink } from '../auth/audit';
import { clearSessionCookie, setSessionCookie } from '../auth/authenticate';
import { createLoginService } from '../auth/login';
import { ROLES } from '../auth/roles';
import { loginBody, sessionView, userView } from '../../contracts/auth';
import { passwordResetBody } from '../../contracts/accounts';
import { resetCodeHash } from '../auth/accounts';
import { hashPassword } from '../auth/passwords';
import type { TokenService } from '../auth/tokens';
import { createApiRouter } from '../http/api-router';
import { rateLimit, type RateLimitStore } from '../http/rate-limit';

function viewOf(user: UserRecord): z.input<typeof userView> {
  const { districtCode, streetCode } = user.jurisdiction;
  return {
    id: String(user._id),
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    agencyCode: user.agencyCode,
    jurisdiction: streetCode ? { districtCode, streetCode } : { districtCode },
  };
}

export interface AuthRouterDependencies {
  config: Pick<Config, 'PUBLIC_URL'>;
  logger: Logger;
  users: Pick<
    UserRepository,
    | 'findByEmail'
    | 'findById'
    | 'recordFailedLogin'
    | 'recordSuccessfulLogin'
    | 'revokeTokens'
    | 'completePasswordReset'
  >;
  tokens: TokenService;
  authenticate: RequestHandler;
  audit: AuditSink;
  rateLimits: RateLimitStore;
  /** Sign-in attempts per client address per window; default 10 a minute. */
  /** Sign-in's limit; `now` fixes the limiter's clock (tests, so a request never falls into the next window). */
  loginRateLimit?: { limit: number; windowSeconds: number; now?: () => Date };
}

export function createAuthRouter(deps: AuthRouterDependencies): Router {
  const api = createApiRouter({ tag: 'auth', authenticate: deps.authenticate });
  const login = createLoginService({ users: deps.users, tokens: deps.tokens });
  // Secure cookies whenever the public address is HTTPS; plain HTTP only on a developer's loopback.
  const secureCookies = deps.config.PUBLIC_URL.startsWith('https:');
  const loginLimit = rateLimit({
    store: deps.rateLimits,
    logger: deps.logger,
    name: 'login',
    // Anonymous: judged by the shared count, exact across processes; while the counter store is down, sign-in is
    // refused rather than left unlimited.
    decide: 'after-store',
    ...(deps.loginRateLimit ?? { limit: 10, windowSeconds: 60 }),
  });

  api.route(
    {
      method: 'post',
      path: '/login',
      summary: 'Sign in with email and password',
      description:
        'Five wrong passwords in a row lock the account for 15 minutes. Every refusal is the same 401, so the answer ' +
        'never tells whether an address has an account.',
      roles: 'public',
      request: { body: loginBody },
      response: { status: 200, description: 'Signed in; the session cookie is set too.', schema: sessionView },
      errors: [
        ErrorCode.Unauthenticated,
        ErrorCode.RateLimited,
        ErrorCode.PayloadTooLarge,
        ErrorCode.DependencyUnavailable,
      ],
    },
    async ({ body, req, res }) => {
      const result = await login.login(body.email, body.password);
      if (!result.ok) {
        deps.logger.info(
          { requestId: req.requestId, reason: result.reason, userId: result.user?._id },
          'sign-in refused',
        );
        throw new AppError(ErrorCode.Unauthenticated, 'Email or password is incorrect');
      }
      const { user, session } = result;
      await deps.audit.record({
        actorId: String(user._id),
        actorRole: user.role,
        action: 'auth.login',
        requestId: req.requestId,
      });
      setSessionCookie(res, session, secureCookies);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: viewOf(user) };
    },
    { before: [loginLimit] },
  );

  const resetLimit = rateLimit({
    store: deps.rateLimits,
    logger: deps.logger,
    name: 'password-reset',
    decide: 'after-store',
    ...(deps.loginRateLimit ?? { limit: 10, windowSeconds: 60 }),
  });

  api.route(
    {
      method: 'post',
      path: '/password-reset',
      summary: 'Set a new password with the one-time code an administrator issued',
      description:
        'The code works once and expires; every refusal (unknown address, wrong or used code, expired, deactivated ' +
        'account) is the same 400 naming `code`, so the answer never tells whether an address has an account. ' +
        'Setting the password ends every earlier session.',
      roles: 'public',
      request: { body: passwordResetBody },
      response: { status: 204, description: 'The new password is set; sign in with it.' },
      errors: [ErrorCode.RateLimited, ErrorCode.PayloadTooLarge, ErrorCode.DependencyUnavailable],
    },
    async ({ body, req }) => {
      const user = await deps.users.findByEmail(body.email);
      // Hashed either way, so an unknown address takes as long as a known one.
      const passwordHash = await hashPassword(body.newPassword);
      const done =
        user !== null &&
        (await deps.users.completePasswordReset(user._id, {
          codeHash: resetCodeHash(body.code),
          now: new Date(),
          passwordHash,
        }));
      if (!done) {
        deps.logger.info({ requestId: req.requestId, userId: user?._id }, 'password reset refused');
        throw validationError([
          { field: 'code', message: 'the code is not valid or has expired; ask your administrator' },
        ]);
      }
      await deps.audit.record({
        actorId: String(user._id),
        actorRole: user.role,
        action: 'auth.password_reset',
        requestId: req.requestId,
      });
    },
    { before: [resetLimit] },
  );

  api.route(
    {
      method: 'post',
      path: '/logout',
      summary: 'Sign out: ends every session of the account',
      roles: ROLES,
      request: {},
      response: { status: 204, description: 'Signed out; the session cookie is cleared.' },
    },
    async ({ actor, req, res }) => {
      await deps.users.revokeTokens(actor.userId);
      await deps.audit.record({
        actorId: actor.userId,
        actorRole: actor.role,
        action: 'auth.logout',
        requestId: req.requestId,
      });
      clearSessionCookie(res, secureCookies);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/me',
      summary: 'The signed-in account',
      roles: ROLES,
      request: {},
      response: { status: 200, description: 'The account', schema: z.object({ user: userView }) },
    },
    async ({ actor }) => {
      const user = await deps.users.findById(actor.userId);
      if (!user) throw new AppError(ErrorCode.Unauthenticated, 'Authentication required');
      return { user: viewOf(user) };
    },
  );

  return api.router;
}
