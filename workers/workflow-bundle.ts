/**
 * How the workflow bundle is built, in one place: the worker, the workflow tests (replay included) and the benches
 * bundle `workflows/` with these options so they run the same code.
 *
 * `zod` resolves to workflows/lazy-zod.ts in the bundle: zod is evaluated when a workflow first builds a schema, not
 * for every workflow created or replayed (issue #19; bench/README.md "Session 12"). A bundle built without these
 * options is still correct, only slower to create workflows.
 */
import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

const lazyZod: WebpackConfigHook = (config) => ({
  ...config,
  resolve: {
    ...config.resolve,
    alias: {
      ...(config.resolve?.alias as Record<string, string | false>),
      zod$: require.resolve('../workflows/lazy-zod'),
      // zod's own modules, for the shim (zod's package exports do not name them).
      'childsafe-zod-classic': path.join(path.dirname(require.resolve('zod/package.json')), 'v4', 'classic'),
    },
  },
});

/**
 * For `Worker.create({ workflowsPath, bundlerOptions: workflowBundleOptions })` and
 * `bundleWorkflowCode({ workflowsPath, ...workflowBundleOptions, logger })`.
 */
export const workflowBundleOptions: Pick<BundleOptions, 'webpackConfigHook'> = { webpackConfigHook: lazyZod };
