/**
 * Development only: the mail the local SMTP sink received, so a developer can read what ChildSafe sent without a
 * mail client. Mounted only when NODE_ENV is development and MAIL_SINK_DIR is set (`devMailEnabled`), and only for a
 * signed-in administrator (the messages name children and cases): sign in to the web app as the demo administrator
 * and open /api/v1/dev/mail in the same browser.
 */
import { Router, type RequestHandler } from 'express';
import type { Config } from '../../common/config';
import { AppError, ErrorCode } from '../../common/errors';
import { readSinkMessages } from '../../common/mail-sink';
import { requireRole } from '../auth/authenticate';

export function devMailEnabled(config: Pick<Config, 'NODE_ENV' | 'MAIL_SINK_DIR'>): config is Config & {
  MAIL_SINK_DIR: string;
} {
  return config.NODE_ENV === 'development' && Boolean(config.MAIL_SINK_DIR);
}

export function createDevMailRouter(sinkDir: string, authenticate: RequestHandler): Router {
  const router = Router();
  router.use(authenticate, requireRole('administrator'));
  router.get('/', (_req, res) => {
    const messages = readSinkMessages(sinkDir).reverse();
    res.json({
      items: messages.map(({ id, receivedAt, to, subject }) => ({ id, receivedAt, to, subject })),
      total: messages.length,
    });
  });
  router.get('/:id', (req, res, next) => {
    const message = readSinkMessages(sinkDir).find((m) => m.id === req.params.id);
    if (!message) return next(new AppError(ErrorCode.NotFound, 'No such message'));
    res.json(message);
  });
  return router;
}
