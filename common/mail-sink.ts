/**
 * The folder format of the development SMTP sink (scripts/services/smtp-sink.ts writes it): one JSON file per message.
 * Shared by the sink, the API's development mail view (api/routes/dev-mail.ts) and the tests that read real mail.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface SinkMessage {
  id: string;
  receivedAt: string;
  envelopeFrom: string | undefined;
  envelopeTo: string[];
  messageId: string | undefined;
  from: string | undefined;
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
  headers: Record<string, string>;
}

/** Every message the sink holds, oldest first. */
export function readSinkMessages(dir: string): SinkMessage[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SinkMessage);
}
