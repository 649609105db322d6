/**
 * Development only: the mail the local SMTP sink received, so a developer can read what ChildSafe sent without a
 * mail client. Mounted only when NODE_ENV is development and MAIL_SINK_DIR is set (`devMailEnabled`), and only for a
 * signed-in administrator (the messages name children and cases): sign in to the web app as the demo administrator
 * and open /api/v1/dev/mail in the same browser. A browser (Accept: text/html) gets pages: the list with links, one
 * message with its headers, text and HTML part; the HTML part is served on its own with a CSP that runs no script
 * and loads nothing (sandbox). Other clients get JSON.
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { Config } from '../../common/config';
import { AppError, ErrorCode } from '../../common/errors';
import { readSinkMessages, type SinkMessage } from '../../common/mail-sink';
import { requireRole } from '../auth/authenticate';

export function devMailEnabled(config: Pick<Config, 'NODE_ENV' | 'MAIL_SINK_DIR'>): config is Config & {
  MAIL_SINK_DIR: string;
} {
  return config.NODE_ENV === 'development' && Boolean(config.MAIL_SINK_DIR);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;margin:1rem;max-width:60rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f6f7f9;padding:.5rem}</style></head><body>${body}</body></html>`;
}

function listPage(messages: SinkMessage[]): string {
  const rows = messages
    .map(
      (m) =>
        `<tr><td>${escapeHtml(new Date(m.receivedAt).toLocaleString('zh-CN'))}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="mail/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '（无主题）')}</a></td></tr>`,
    )
    .join('');
  return page(
    '开发邮件查看器 Dev mail',
    `<h1>开发邮件查看器 <small>Dev mail (${messages.length})</small></h1><p>本地邮件接收器收到的邮件，最新在前。仅开发环境、仅管理员可见。</p><table><thead><tr><th>收到时间</th><th>收件人</th><th>主题</th></tr></thead><tbody>${rows || '<tr><td colspan="3">还没有邮件。</td></tr>'}</tbody></table>`,
  );
}

function messagePage(m: SinkMessage): string {
  const head = [
    ['主题 Subject', m.subject],
    ['发件人 From', m.from ?? ''],
    ['收件人 To', m.to.join(', ')],
    ['收到 Received', new Date(m.receivedAt).toLocaleString('zh-CN')],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(v!)}</td></tr>`)
    .join('');
  const html = m.html ? `<p><a href="${encodeURIComponent(m.id)}/html">查看 HTML 正文 / HTML part</a></p>` : '';
  return page(
    m.subject,
    `<p><a href="../mail">← 全部邮件</a></p><h1>${escapeHtml(m.subject)}</h1><table>${head}</table>${html}<h2>正文 Text</h2><pre>${escapeHtml(m.text ?? '')}</pre>`,
  );
}

const wantsHtml = (req: Request) => req.accepts(['json', 'html']) === 'html';

export function createDevMailRouter(sinkDir: string, authenticate: RequestHandler): Router {
  const router = Router();
  router.use(authenticate, requireRole('administrator'));
  router.get('/', (req, res) => {
    const messages = readSinkMessages(sinkDir).reverse();
    if (wantsHtml(req)) return void res.type('html').send(listPage(messages));
    res.json({
      items: messages.map(({ id, receivedAt, to, subject }) => ({ id, receivedAt, to, subject })),
      total: messages.length,
    });
  });
  router.get('/:id', (req, res, next) => {
    const message = readSinkMessages(sinkDir).find((m) => m.id === req.params.id);
    if (!message) return next(new AppError(ErrorCode.NotFound, 'No such message'));
    if (wantsHtml(req)) return void res.type('html').send(messagePage(message));
    res.json(message);
  });
  router.get('/:id/html', (req, res, next) => {
    const message = readSinkMessages(sinkDir).find((m) => m.id === req.params.id);
    if (!message?.html) return next(new AppError(ErrorCode.NotFound, 'No such message'));
    // The mail's own HTML, as a mail client would show it: no script, nothing loaded from anywhere.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    res.type('html').send(message.html);
  });
  return router;
}
