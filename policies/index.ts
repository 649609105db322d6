/**
 * Loading and pinning district policy packs. A pack is validated by the zod schema when it loads (a bundled pack was
 * validated when its parsed form was written, see BUNDLED_POLICY_PACKS); a case pins the pack id and version it
 * started under, and the registry keeps every version it has seen, so a case started under an old version keeps the
 * old rules after a new version is registered.
 */
import { z } from 'zod';
import { policyPackSchema, type PolicyPack } from './schema';

export type { PolicyPack } from './schema';

/** A pack that does not match the schema. `issues` lists each bad field as `path: message`. */
export class PolicyPackError extends Error {
  override readonly name = 'PolicyPackError';
  constructor(
    readonly packId: string,
    readonly issues: readonly string[],
  ) {
    super(`policy pack ${packId} is invalid: ${issues.join('; ')}`);
  }
}

/** No pack with this id (and version) is registered. */
export class UnknownPolicyPackError extends Error {
  override readonly name = 'UnknownPolicyPackError';
  constructor(
    readonly packId: string,
    readonly version?: string,
  ) {
    super(version ? `no policy pack ${packId} version ${version}` : `no policy pack ${packId}`);
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(pack)' : path.map(String).join('.');
}

/** Validates an untrusted object as a policy pack; throws PolicyPackError naming every bad field path. */
export function loadPolicyPackFromObject(obj: unknown): PolicyPack {
  const parsed = policyPackSchema().safeParse(obj);
  if (parsed.success) return deepFreeze(parsed.data);
  const id = typeof obj === 'object' && obj !== null && 'id' in obj ? String(obj.id) : '(unnamed)';
  throw new PolicyPackError(
    id,
    parsed.error.issues.map((issue: z.core.$ZodIssue) => `${issuePath(issue.path)}: ${issue.message}`),
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Orders versions like "1.0.0" < "1.2.0" < "1.10.0"; non-numeric segments compare as text. */
export function compareVersions(a: string, b: string): number {
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i] ?? '0';
    const y = bs[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const diff = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x.localeCompare(y);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export interface PolicyPackSummary {
  id: string;
  version: string;
  district: PolicyPack['district'];
}

export interface PolicyRegistry {
  /** Validates and registers a pack; re-registering the same id+version with different rules is refused. */
  register(pack: unknown): PolicyPack;
  /**
   * Registers a pack that is already the schema's parsed form, without validating it again: only for the bundled
   * packs' parsed files (policies/packs-parsed/), which test/unit/policies/parsed-packs.test.ts proves are exactly
   * the parse of the released files. Frozen like a validated pack; the same refusal of changed rules.
   */
  registerParsed(pack: PolicyPack): PolicyPack;
  /** The pack pinned by id and version; throws UnknownPolicyPackError. */
  get(id: string, version: string): PolicyPack;
  /** The newest version of a pack, for new cases; throws UnknownPolicyPackError. */
  latest(id: string): PolicyPack;
  /** Every registered id+version, ids sorted, versions oldest first. */
  list(): PolicyPackSummary[];
}

export function createPolicyRegistry(packs: readonly unknown[] = []): PolicyRegistry {
  const byId = new Map<string, Map<string, PolicyPack>>();

  const registry: PolicyRegistry = {
    register(raw) {
      return registry.registerParsed(loadPolicyPackFromObject(raw));
    },
    registerParsed(parsed) {
      const pack = deepFreeze(parsed);
      const versions = byId.get(pack.id) ?? new Map<string, PolicyPack>();
      const existing = versions.get(pack.version);
      if (existing) {
        // A version pins exactly one set of rules: changing rules needs a new version number.
        if (JSON.stringify(existing) !== JSON.stringify(pack)) {
          throw new PolicyPackError(pack.id, [`version: ${pack.version} is already registered with different rules`]);
        }
        return existing;
      }
      versions.set(pack.version, pack);
      byId.set(pack.id, versions);
      return pack;
    },
    get(id, version) {
      const pack = byId.get(id)?.get(version);
      if (!pack) throw new UnknownPolicyPackError(id, version);
      return pack;
    },
    latest(id) {
      const versions = byId.get(id);
      if (!versions || versions.size === 0) throw new UnknownPolicyPackError(id);
      return [...versions.values()].sort((a, b) => compareVersions(b.version, a.version))[0];
    },
    list() {
      return [...byId.keys()]
        .sort()
        .flatMap((id) =>
          [...(byId.get(id)?.values() ?? [])]
            .sort((a, b) => compareVersions(a.version, b.version))
            .map((p) => ({ id: p.id, version: p.version, district: p.district })),
        );
    },
  };
  for (const pack of packs) registry.register(pack);
  return registry;
}

/** A pack file shipped with ChildSafe, read only when first asked for. */
export interface BundledPolicyPack {
  id: string;
  version: string;
  /** The released file's parsed form (policies/packs-parsed/<id>/<version>.json), not validated again. */
  load: () => PolicyPack;
}

/**
 * Every version of every pack shipped with ChildSafe, one immutable file each: packs/<id>/<version>.json. A released
 * version file is never edited: changing a rule means a new file with a higher version, listed here beside the old
 * ones, so a case pinned to an old version still loads it (and keeps its rules) while new cases take the newest.
 *
 * Loaded lazily, one file at a time, because the workflow sandbox evaluates this module once per workflow (the SDK's
 * reusable V8 context keeps a module cache per workflow): reading all of them at module load cost every workflow, at
 * its first task and again at every replay after eviction, the validation of every pack and a copy of each in memory,
 * where it needs only the one it pinned (bench/README.md, "Timer storms").
 *
 * What is loaded is the file's parsed form, packs-parsed/<id>/<version>.json: exactly what the schema makes of the
 * released file (`npx tsx scripts/parse-packs.ts` writes them; test/unit/policies/parsed-packs.test.ts fails when one
 * is missing or differs in any value or key order). Validating the 30–50 KB file with the zod schema was, with building
 * that schema, a large part of every start and replay of a workflow that resolves its pack (issue #19). The parse cannot
 * simply be skipped on the released file: it reorders keys (cn-changning 1.1.0 on), and key order is what the workflows
 * iterate and what `isBundled` compares.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a static require, bundled, evaluated on first use */
export const BUNDLED_POLICY_PACKS: readonly BundledPolicyPack[] = [
  { id: 'cn-changning', version: '1.0.0', load: () => require('./packs-parsed/cn-changning/1.0.0.json') },
  { id: 'cn-changning', version: '1.1.0', load: () => require('./packs-parsed/cn-changning/1.1.0.json') },
  { id: 'cn-changning', version: '1.2.0', load: () => require('./packs-parsed/cn-changning/1.2.0.json') },
  { id: 'cn-changning', version: '1.3.0', load: () => require('./packs-parsed/cn-changning/1.3.0.json') },
  { id: 'ft-fengtai', version: '1.0.0', load: () => require('./packs-parsed/ft-fengtai/1.0.0.json') },
  { id: 'ft-fengtai', version: '1.1.0', load: () => require('./packs-parsed/ft-fengtai/1.1.0.json') },
  { id: 'ft-fengtai', version: '1.2.0', load: () => require('./packs-parsed/ft-fengtai/1.2.0.json') },
  { id: 'ft-fengtai', version: '1.3.0', load: () => require('./packs-parsed/ft-fengtai/1.3.0.json') },
];
/* eslint-enable @typescript-eslint/no-require-imports */

const defaultRegistry = createPolicyRegistry();
const loaded = new Set<BundledPolicyPack>();

/** Registers the bundled files `which` selects that are not yet registered; a file must hold the pack it is listed as. */
function ensureBundled(which: (entry: BundledPolicyPack) => boolean): void {
  for (const entry of BUNDLED_POLICY_PACKS) {
    if (loaded.has(entry) || !which(entry)) continue;
    const pack = defaultRegistry.registerParsed(entry.load());
    if (pack.id !== entry.id || pack.version !== entry.version)
      throw new PolicyPackError(entry.id, [`file listed as ${entry.version} holds ${pack.id} ${pack.version}`]);
    loaded.add(entry);
  }
}

/** The newest bundled version of a pack (for starting a new case). */
export function loadPolicyPack(id: string): PolicyPack {
  const newest = BUNDLED_POLICY_PACKS.filter((p) => p.id === id).sort((a, b) =>
    compareVersions(b.version, a.version),
  )[0];
  if (newest) ensureBundled((entry) => entry === newest);
  return defaultRegistry.latest(id);
}

/** The bundled pack pinned by id and version (for a running case). */
export function getPolicyPack(id: string, version: string): PolicyPack {
  ensureBundled((entry) => entry.id === id && entry.version === version);
  return defaultRegistry.get(id, version);
}

export function listPolicyPacks(): PolicyPackSummary[] {
  ensureBundled(() => true);
  return defaultRegistry.list();
}
