/**
 * Writes the parsed form of every released policy pack file (`npx tsx scripts/parse-packs.ts`): for each
 * policies/packs/<id>/<version>.json, what the pack schema makes of it, to policies/packs-parsed/<id>/<version>.json.
 * The bundled registry (policies/index.ts) loads these, so no workflow validates its pack at every start and replay
 * (issue #19). Run it after adding a pack version; test/unit/policies/parsed-packs.test.ts fails until it is run.
 * A released file never changes, so neither does its parsed form.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { loadPolicyPackFromObject } from '../policies';

const ROOT = path.resolve(__dirname, '..');
const RAW = path.join(ROOT, 'policies', 'packs');
const PARSED = path.join(ROOT, 'policies', 'packs-parsed');

async function main(): Promise<void> {
  for (const id of fs.readdirSync(RAW).sort()) {
    fs.mkdirSync(path.join(PARSED, id), { recursive: true });
    for (const file of fs.readdirSync(path.join(RAW, id)).sort()) {
      const raw: unknown = JSON.parse(fs.readFileSync(path.join(RAW, id, file), 'utf8'));
      const target = path.join(PARSED, id, file);
      const options = { ...(await prettier.resolveConfig(target)), filepath: target };
      const text = await prettier.format(JSON.stringify(loadPolicyPackFromObject(raw)), options);
      const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
      if (before !== text) fs.writeFileSync(target, text);
      process.stdout.write(`${path.relative(ROOT, target)}: ${before === text ? 'unchanged' : 'written'}\n`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
