import fs from 'node:fs';
import path from 'node:path';
import cnRaw from '../../../policies/packs/cn-changning/1.0.0.json';
import {
  compareVersions,
  createPolicyRegistry,
  getPolicyPack,
  loadPolicyPack,
  PolicyPackError,
  UnknownPolicyPackError,
} from '../../../policies';

function nextVersion(version: string, shortTermCap: string) {
  const raw = JSON.parse(JSON.stringify(cnRaw)) as typeof cnRaw;
  raw.version = version;
  raw.placement.shortTermCap.duration = shortTermCap;
  return raw;
}

describe('the policy pack registry', () => {
  it('keeps cases started under the old version on the old rules after a new version is registered', () => {
    const registry = createPolicyRegistry([cnRaw]);
    const pinned = { id: 'cn-changning', version: registry.latest('cn-changning').version };
    expect(registry.get(pinned.id, pinned.version).placement.shortTermCap.duration).toBe('P1M');

    registry.register(nextVersion('1.1.0', 'P14D'));

    expect(registry.latest('cn-changning').version).toBe('1.1.0');
    expect(registry.latest('cn-changning').placement.shortTermCap.duration).toBe('P14D');
    expect(registry.get(pinned.id, pinned.version).placement.shortTermCap.duration).toBe('P1M');
    expect(registry.get('cn-changning', '1.1.0').placement.shortTermCap.duration).toBe('P14D');
  });

  it('refuses to change the rules of a registered version', () => {
    const registry = createPolicyRegistry([cnRaw]);
    expect(() => registry.register(nextVersion('1.0.0', 'P14D'))).toThrow(PolicyPackError);
    expect(registry.get('cn-changning', '1.0.0').placement.shortTermCap.duration).toBe('P1M');
  });

  it('accepts the same version with the same rules again', () => {
    const registry = createPolicyRegistry([cnRaw]);
    expect(registry.register(cnRaw)).toBe(registry.get('cn-changning', '1.0.0'));
  });

  it('picks the newest version by number, not by text or registration order', () => {
    const registry = createPolicyRegistry([nextVersion('1.10.0', 'P1M'), nextVersion('1.9.0', 'P1M'), cnRaw]);
    expect(registry.latest('cn-changning').version).toBe('1.10.0');
    expect(registry.list().map((p) => p.version)).toEqual(['1.0.0', '1.9.0', '1.10.0']);
  });

  it('names the missing id and version', () => {
    const registry = createPolicyRegistry([cnRaw]);
    expect(() => registry.get('cn-changning', '9.9.9')).toThrow(new UnknownPolicyPackError('cn-changning', '9.9.9'));
    expect(() => registry.latest('xx-nowhere')).toThrow(UnknownPolicyPackError);
  });

  it('serves the bundled packs by id and by id+version, every version kept', () => {
    expect(getPolicyPack('ft-fengtai', '1.3.0')).toBe(loadPolicyPack('ft-fengtai'));
    expect(getPolicyPack('cn-changning', '1.3.0')).toBe(loadPolicyPack('cn-changning'));
    expect(getPolicyPack('ft-fengtai', '1.2.0').version).toBe('1.2.0');
    expect(getPolicyPack('ft-fengtai', '1.1.0').version).toBe('1.1.0');
    expect(getPolicyPack('ft-fengtai', '1.0.0').version).toBe('1.0.0');
    expect(getPolicyPack('cn-changning', '1.0.0').version).toBe('1.0.0');
    expect(() => getPolicyPack('ft-fengtai', '0.9.0')).toThrow(UnknownPolicyPackError);
  });

  it('ships one file per version, named after the version it holds', () => {
    const dir = path.join(__dirname, '../../../policies/packs');
    for (const id of fs.readdirSync(dir)) {
      for (const file of fs.readdirSync(path.join(dir, id))) {
        const raw = JSON.parse(fs.readFileSync(path.join(dir, id, file), 'utf8')) as { id: string; version: string };
        expect({ file: `${id}/${file}`, id: raw.id, version: raw.version }).toEqual({
          file: `${id}/${file}`,
          id,
          version: file.replace(/\.json$/, ''),
        });
        expect(getPolicyPack(id, raw.version).version).toBe(raw.version);
      }
    }
  });

  it('orders versions segment by segment', () => {
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.2', '1.10')).toBe(-1);
    expect(compareVersions('2.0.0', '1.99.99')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
  });
});
