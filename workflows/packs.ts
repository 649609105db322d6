/**
 * Packs by reference (issues #13, #19): a workflow receives its district pack as `{ id, version }` and reads the rules
 * from the immutable versioned files bundled with the workflow code (policies/packs/<id>/<version>.json, listed in
 * policies/index.ts, which bundles their parsed form from policies/packs-parsed/), instead of carrying the whole pack
 * (about 45 KB of JSON) in its input, its history and at every continue-as-new. A released version file is never
 * edited, so a pinned case replays against the same bytes.
 *
 * Inputs recorded before this change carry the whole pack: it is used as it came, so those histories replay unchanged.
 */
import { getPolicyPack, UnknownPolicyPackError } from '../policies';
import type { PolicyPack } from '../policies/schema';
import type { PackRef, PinnedPack } from './definitions';

/** Whether an input carries the whole pack (recorded before packs travelled by reference, and tests' own packs). */
export function isWholePack(pinned: PinnedPack): pinned is PolicyPack {
  return 'taskKinds' in pinned;
}

/** The pack's rules: the carried pack as it is, else the bundled file of that id and version. */
export function resolvePack(pinned: PinnedPack): PolicyPack {
  return isWholePack(pinned) ? pinned : getPolicyPack(pinned.id, pinned.version);
}

export function packRefOf(pinned: PinnedPack): PackRef {
  return { id: pinned.id, version: pinned.version };
}

/**
 * Whether a carried whole pack is exactly the bundled file of its id and version, so its reference names the same
 * rules (a test's own pack, or a pack altered for a benchmark, is not: it keeps travelling whole).
 */
export function isBundled(pinned: PinnedPack): boolean {
  let bundled: PolicyPack;
  try {
    bundled = getPolicyPack(pinned.id, pinned.version);
  } catch (err) {
    if (err instanceof UnknownPolicyPackError) return false;
    throw err;
  }
  return !isWholePack(pinned) || JSON.stringify(bundled) === JSON.stringify(pinned);
}
