/**
 * The arguments ChildSafe starts the Temporal CLI's dev server with (scripts/services/temporal-dev-server.ts): the
 * embedded server's dynamic config is always given, an experiment's value replaces a default key rather than adding
 * a second one. What the transfer-queue read rate changes is measured, not tested: bench/README.md "Session 20".
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEV_SERVER_DYNAMIC_CONFIG, devServerArgs } from '../../../scripts/services/temporal-dev-server';
import { projectRoot } from '../../../scripts/services/tools';

/** The `--dynamic-config-value` pairs, as `{ key: JSON text }`, failing on a key given twice. */
function dynamicConfigOf(args: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  args.forEach((arg, i) => {
    if (arg !== '--dynamic-config-value') return;
    const pair = args[i + 1];
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq);
    if (key in values) throw new Error(`${key} given twice`);
    values[key] = pair.slice(eq + 1);
  });
  return values;
}

const base = { port: 7233, uiPort: undefined, namespace: 'default' };

describe('the dev server arguments', () => {
  it('read the transfer queue more often than 20 times a second, on every dev server ChildSafe starts', () => {
    const rate = DEV_SERVER_DYNAMIC_CONFIG['history.transferProcessorMaxPollRPS'];
    expect(typeof rate).toBe('number');
    expect(rate as number).toBeGreaterThan(20);
    expect(dynamicConfigOf(devServerArgs(base))).toEqual({ 'history.transferProcessorMaxPollRPS': String(rate) });
  });

  it("take an experiment's value in place of the default and add its other keys", () => {
    const args = devServerArgs({
      ...base,
      dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20, 'matching.numTaskqueueReadPartitions': 1 },
    });
    expect(dynamicConfigOf(args)).toEqual({
      'history.transferProcessorMaxPollRPS': '20',
      'matching.numTaskqueueReadPartitions': '1',
    });
  });
});

describe("docker-compose's Temporal", () => {
  it('runs with the same dynamic config as the dev server (deploy/temporal/dynamicconfig/childsafe.yaml)', () => {
    const yaml = fs.readFileSync(path.join(projectRoot, 'deploy/temporal/dynamicconfig/childsafe.yaml'), 'utf8');
    // The file's shape: `key:` at the start of a line, then `  - value: V` (no constraints).
    const entries = [...yaml.matchAll(/^([a-zA-Z.]+):\n {2}- value: (.+)$/gm)].map((m) => [m[1], JSON.parse(m[2])]);
    expect(Object.fromEntries(entries)).toEqual(DEV_SERVER_DYNAMIC_CONFIG);
    const compose = fs.readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('DYNAMIC_CONFIG_FILE_PATH: config/dynamicconfig/childsafe.yaml');
    expect(compose).toContain('./deploy/temporal/dynamicconfig:/etc/temporal/config/dynamicconfig:ro');
  });
});
