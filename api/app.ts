/**
 * The HTTP application, built from its dependencies so tests can run it against the real stack with supertest.
 * Routers are mounted here, one per resource; each gets exactly the dependencies it needs.
 */
import express, { type Express, type Router } from 'express';
import type { Config } from '../common/config';
import type { Logger } from '../common/logger';
import { jsonBody } from './http/json-body';
import { requestId } from './middleware/request-id';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { securityHeaders } from './middleware/security-headers';
import { createHealthRouter, type ReadinessChecks } from './routes/health';
import { createDevMailRouter } from './routes/dev-mail';
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
  app.set('trust proxy', 'loopback');
  app.use(requestId);
  app.use(securityHeaders(deps.config.CORS_ORIGINS));
  app.use(jsonBody());
  app.use(createHealthRouter(deps.readiness));
  for (const [path, router] of Object.entries(deps.routers ?? {})) app.use(`/api/v1${path}`, router);
  app.use(createOpenApiRouter(deps.routers ?? {}, { serverUrl: deps.config.PUBLIC_URL }));
  if (deps.config.MAIL_SINK_DIR && deps.config.NODE_ENV !== 'production') {
    app.use('/api/v1/dev/mail', createDevMailRouter(deps.config.MAIL_SINK_DIR));
  }
  serveWebApp(app);
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
