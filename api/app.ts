/**
 * The HTTP application, built from its dependencies so tests can run it against the real stack with supertest.
 * Routers are mounted here, one per resource; each gets exactly the dependencies it needs.
 */
import express, { type Express, type Router } from 'express';
import type { Config } from '../common/config';
import type { Logger } from '../common/logger';
import { jsonBody } from './http/json-body';
import { csrfGuard } from './middleware/csrf';
import { requestId } from './middleware/request-id';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { securityHeaders } from './middleware/security-headers';
import { createHealthRouter, type ReadinessChecks } from './routes/health';
import { serveWebApp } from './web';
import { createOpenApiRouter } from './openapi/document';

export interface ApiDependencies {
  config: Config;
  logger: Logger;
  readiness: ReadinessChecks;
  /** Resource routers mounted under /api/v1, by path. */
  routers?: Record<string, Router>;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For (the client address rate limits use) is believed only from the configured proxies.
  app.set('trust proxy', deps.config.TRUSTED_PROXIES.length ? deps.config.TRUSTED_PROXIES : false);
  app.use(requestId);
  app.use(securityHeaders(deps.config.CORS_ORIGINS));
  app.use(
    csrfGuard({
      publicUrl: deps.config.PUBLIC_URL,
      allowedOrigins: deps.config.CORS_ORIGINS,
      temporalUiUrl: deps.config.TEMPORAL_UI_URL,
    }),
  );
  app.use(jsonBody());
  app.use(createHealthRouter(deps.readiness));
  for (const [path, router] of Object.entries(deps.routers ?? {})) app.use(`/api/v1${path}`, router);
  app.use(createOpenApiRouter(deps.routers ?? {}, { serverUrl: deps.config.PUBLIC_URL }));
  serveWebApp(app);
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
