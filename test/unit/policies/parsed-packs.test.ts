/**
 * The bundled registry loads each released pack's parsed form (policies/packs-parsed/, written by
 * scripts/parse-packs.ts) instead of validating the released file in every workflow (issue #19). That is safe only
 * while every parsed file is exactly what the schema makes of its released file — every value and every key in the
 * same order, since the workflows iterate the pack's records and `isBundled` compares packs as JSON text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_POLICY_PACKS, getPolicyPack, loadPolicyPackFromObject } from '../../../policies';
import { policyPackSchema } from '../../../policies/schema';

const POLICIES = path.join(__dirname, '../../../policies');
const files = (dir: string) =>
  fs
    .readdirSync(path.join(POLICIES, dir))
    .flatMap((id) => fs.readdirSync(path.join(POLICIES, dir, id)).map((file) => `${id}/${file}`))
    .sort();
const read = (dir: string, file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(POLICIES, dir, file), 'utf8'));

describe('the parsed forms of the bundled packs', () => {
  it('there is one parsed file for each released file, and the registry lists exactly those', () => {
    expect(files('packs-parsed')).toEqual(files('packs'));
    expect(BUNDLED_POLICY_PACKS.map((p) => `${p.id}/${p.version}.json`).sort()).toEqual(files('packs'));
  });

  it.each(files('packs'))('%s: the parsed file is the parse of the released file, key order included', (file) => {
    const parsed = JSON.stringify(loadPolicyPackFromObject(read('packs', file)));
    expect(JSON.stringify(read('packs-parsed', file))).toBe(parsed);
    const [id, name] = file.split('/') as [string, string];
    const version = name.replace(/\.json$/, '');
    // What the registry serves (the bundled file as webpack and jest load it) is the same text.
    expect(JSON.stringify(BUNDLED_POLICY_PACKS.find((p) => p.id === id && p.version === version)?.load())).toBe(parsed);
    expect(JSON.stringify(getPolicyPack(id, version))).toBe(parsed);
    // Validating it again would change nothing: skipping the validation in the sandbox loses no check.
    expect(JSON.stringify(policyPackSchema().parse(read('packs-parsed', file)))).toBe(parsed);
  });

  it('the check can fail: the released files are not their own parse (the schema reorders keys)', () => {
    const differ = files('packs').filter(
      (file) => JSON.stringify(read('packs', file)) !== JSON.stringify(read('packs-parsed', file)),
    );
    expect(differ).toContain('cn-changning/1.1.0.json');
  });
});
