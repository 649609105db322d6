/**
 * GET /healthz: the process is alive. GET /readyz: Temporal and the database both answer; otherwise 503 naming
 * which one does not.
 */
import { Router } from 'express';

export interface ReadinessChecks {
  temporal(): Promise<boolean>;
  database(): Promise<boolean>;
}

export function createHealthRouter(checks: ReadinessChecks): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [temporal, database] = await Promise.all([checks.temporal(), checks.database()]);
    const unavailable = [!temporal && 'temporal', !database && 'database'].filter((x): x is string => Boolean(x));
    res.status(unavailable.length ? 503 : 200).json({
      status: unavailable.length ? 'unavailable' : 'ready',
      checks: { temporal: temporal ? 'up' : 'down', database: database ? 'up' : 'down' },
      unavailable,
    });
  });
  return router;
}
