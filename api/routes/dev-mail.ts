/**
 * Development only (enabled when MAIL_SINK_DIR is set): the mail the local SMTP sink received, so a developer can
 * read what ChildSafe sent without a mail client.
 */
import { Router } from 'express';
import { readSinkMessages } from '../../common/mail-sink';

export function createDevMailRouter(sinkDir: string): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const messages = readSinkMessages(sinkDir).reverse();
    res.json({
      items: messages.map(({ id, receivedAt, to, subject }) => ({ id, receivedAt, to, subject })),
      total: messages.length,
    });
  });
  router.get('/:id', (req, res) => {
    const message = readSinkMessages(sinkDir).find((m) => m.id === req.params.id);
    if (!message) {
      res.status(404).json({ error: 'NOT_FOUND', message: 'No such message', details: null, requestId: req.requestId });
      return;
    }
    res.json(message);
  });
  return router;
}
