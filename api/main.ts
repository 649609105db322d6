/**
 * The API process: `npm run api`. Stateless; several can run behind a proxy. It starts even while Temporal or the
 * database is down (readiness says which) and reconnects when they return.
 */
import { loadConfigOrExit } from '../common/config';
import { createLogger } from '../common/logger';
import { createTemporalClient, temporalReachable } from '../common/temporal';
import { databaseReachable, openDatabase } from '../common/db';
import { createApp } from './app';
import { createRouters } from './routers';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'childsafe-api' });
  const temporal = createTemporalClient(config);
  const db = openDatabase(config.MONGODB_URI, logger);
  const app = createApp({
    config,
    logger,
    readiness: {
      temporal: () => temporalReachable(temporal.connection),
      database: () => databaseReachable(db.connection),
    },
    routers: createRouters({ config, logger, temporal: temporal.client }),
  });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'API listening');
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API stopping');
    server.close(() => {
      void Promise.allSettled([db.close(), temporal.connection.close()]).then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`API failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
