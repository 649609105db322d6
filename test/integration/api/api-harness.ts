/** The API as `npm start` wires it, on the suite's FerretDB (a private database per test file). */
import pino from 'pino';
import type { Express, RequestHandler, Router } from 'express';
import { createApp } from '../../../api/app';
import type { AuditRecord, AuditSink } from '../../../api/auth/audit';
import { createAuthenticate } from '../../../api/auth/authenticate';
import { createTokenService } from '../../../api/auth/tokens';
import { createMongoRateLimitStore } from '../../../api/http/rate-limit';
import { createAuthRouter } from '../../../api/routes/auth';
import { createNotificationRouter } from '../../../api/routes/notifications';
import { createNotificationRepository } from '../../../models/notification';
import { createUserRepository } from '../../../models/user';
import { testConfig } from '../../unit/api/test-config';

export function createTestApi(
  options: {
    loginRateLimit?: { limit: number; windowSeconds: number; now?: () => Date };
    config?: Record<string, string>;
    /** More routers under /api/v1, built with the harness's authentication. */
    extraRouters?: (authenticate: RequestHandler) => Record<string, Router>;
  } = {},
) {
  const config = testConfig(options.config);
  const logger = pino({ level: 'silent' });
  const users = createUserRepository();
  const notifications = createNotificationRepository();
  const tokens = createTokenService({ secret: config.AUTH_TOKEN_SECRET, ttlMinutes: config.AUTH_TOKEN_TTL_MINUTES });
  const authenticate = createAuthenticate({ tokens, users });
  const audited: AuditRecord[] = [];
  const audit: AuditSink = { record: async (event) => void audited.push(event) };
  const routers = {
    '/auth': createAuthRouter({
      config,
      logger,
      users,
      tokens,
      authenticate,
      audit,
      rateLimits: createMongoRateLimitStore(),
      loginRateLimit: options.loginRateLimit ?? { limit: 1000, windowSeconds: 60 },
    }),
    '/notifications': createNotificationRouter({ notifications, authenticate }),
    ...options.extraRouters?.(authenticate),
  };
  const app: Express = createApp({
    config,
    logger,
    readiness: { temporal: async () => true, database: async () => true },
    routers,
  });
  return { app, users, notifications, tokens, audited };
}
