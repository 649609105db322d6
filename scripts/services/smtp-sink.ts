/**
 * A development and test SMTP server that accepts every message on loopback and keeps it: one JSON file per
 * message (parsed headers, text, html) plus the raw .eml, in a folder. Tests read real delivered mail from there,
 * and the API shows it at /api/v1/dev/mail when MAIL_SINK_DIR is set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import { readSinkMessages, type SinkMessage } from '../../common/mail-sink';
import { freePort } from './ports';

export { readSinkMessages, type SinkMessage };

export interface SmtpSink {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export interface SmtpSinkOptions {
  dir: string;
  port?: number;
  /** For failure tests: answer a message (by its envelope recipients) with this SMTP reply instead of accepting it. */
  rejectWith?: (envelopeTo: string[]) => { code: number; message: string } | undefined;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const port = options.port ?? (await freePort());
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    // Stopping waits for clients to hang up; a pooled client that never does is cut off after a second.
    closeTimeout: 1000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const rejection = options.rejectWith?.(session.envelope.rcptTo.map((r) => r.address));
        if (rejection) {
          const err = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const id = `${Date.now()}-${randomUUID().slice(0, 8)}`;
            const headers: Record<string, string> = {};
            for (const [k, v] of parsed.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
            const message: SinkMessage = {
              id,
              receivedAt: new Date().toISOString(),
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId,
              from: addresses(parsed.from)[0],
              to: addresses(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : undefined,
              headers,
            };
            fs.writeFileSync(path.join(options.dir, `${id}.eml`), raw, { mode: 0o600 });
            // Written last and renamed into place, so a reader never sees half a message.
            const tmp = path.join(options.dir, `.${id}.json.tmp`);
            fs.writeFileSync(tmp, JSON.stringify(message, null, 2), { mode: 0o600 });
            fs.renameSync(tmp, path.join(options.dir, `${id}.json`));
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    dir: options.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
