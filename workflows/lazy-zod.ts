/**
 * zod as the workflow sandbox sees it: loaded the first time a schema is built, not when a workflow is created.
 * The workflow bundle resolves `import { z } from 'zod'` to this module (workers/workflow-bundle.ts), never anywhere
 * else (the API, the activities and the browser import zod itself).
 *
 * Why (issue #19, bench/README.md "Session 12"): the SDK's reusable V8 context evaluates a workflow's whole module
 * graph again for every workflow it creates or replays, and zod's own library modules (its classes and checks, built
 * at module load) were about 60% of that, for every intake, case and police task, although the report's path builds
 * no schema at all (the schemas are built on first use, contracts/lazy-schema.ts). Through this module a workflow
 * evaluates zod only when it first validates something (an outcome, a decision, a pack), and then exactly as before:
 * the same zod, once per workflow. Module evaluation issues no commands, so histories replay unchanged.
 *
 * Only the `z` namespace is served (the sandbox's modules import nothing else from zod). Every schema is built
 * inside a `lazySchema` factory, so `z` is first touched while building one; a module that used `z` at its top level
 * would load zod at creation again (correct, only slower).
 */
import type { z as Zod } from 'zod';

let loaded: typeof Zod | undefined;

/**
 * The `z` the bundle's modules got before, made of the same modules: zod's classic schemas, checks, errors, parse
 * functions and `z.iso`, which is what webpack bound `import { z } from 'zod'` to (it follows zod's re-exports to
 * the modules that define each name). Not zod's whole `z` namespace: that module also sets zod's English error
 * messages (`config(en())`) and loads every locale, which the sandbox never did, so a workflow's validation messages
 * (update rejections) stay exactly as they were. `childsafe-zod-classic` is an alias of zod's v4/classic folder (workers/workflow-bundle.ts).
 */
function zod(): typeof Zod {
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded ??= {
    ...require('childsafe-zod-classic/schemas.js'),
    ...require('childsafe-zod-classic/checks.js'),
    ...require('childsafe-zod-classic/errors.js'),
    ...require('childsafe-zod-classic/parse.js'),
    iso: require('childsafe-zod-classic/iso.js'),
  } as typeof Zod;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

export const z: typeof Zod = new Proxy({} as typeof Zod, {
  get: (_target, key) => Reflect.get(zod(), key) as unknown,
  has: (_target, key) => Reflect.has(zod(), key),
});
