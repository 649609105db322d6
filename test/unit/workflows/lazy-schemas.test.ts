/**
 * Issue #19: the workflow sandbox evaluates every bundled module again for each workflow it creates or replays, so the
 * modules it loads build no zod schema when they load; a schema is built on its first use (contracts/lazy-schema.ts).
 * Checked by loading those modules afresh with a `zod` whose every factory call is counted.
 */
import { lazySchema } from '../../../contracts/lazy-schema';
import {
  concernResponseSchema,
  CUSTODY_KINDS,
  custodySchema,
  RESPONSE_KINDS,
  TASK_KINDS,
  taskOutcomeSchema,
} from '../../../contracts/outcomes';

/** The modules of the workflow bundle that import zod (bench/README.md "Timer storms" lists how they were found). */
const SANDBOX_SCHEMA_MODULES = [
  '../../../contracts/outcomes',
  '../../../contracts/interventions',
  '../../../contracts/roles',
  '../../../policies/schema',
  '../../../policies/index',
  '../../../workflows/definitions',
  '../../../workflows/intervention.definitions',
];

type Loaded = Record<string, Record<string, unknown>>;

/** Loads `modules` in a fresh module registry with a `zod` that records every call of a `z.…` factory. */
function loadCountingZodCalls(modules: readonly string[]): { calls: string[]; loaded: Loaded } {
  const calls: string[] = [];
  const loaded: Loaded = {};
  const counting = (target: object, prefix: string): object =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        const name = `${prefix}${String(prop)}`;
        // Factories (z.object, z.string, z.iso.datetime …) start lower-case; classes and constants pass through.
        if (typeof value === 'function' && /^[a-z]/.test(String(prop)))
          return (...args: unknown[]) => {
            calls.push(name);
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        if (typeof value === 'object' && value !== null && /^[a-z]/.test(String(prop)))
          return counting(value, `${name}.`);
        return value;
      },
    });
  jest.isolateModules(() => {
    jest.doMock('zod', () => {
      const actual = jest.requireActual<typeof import('zod')>('zod');
      return { ...actual, z: counting(actual.z, 'z.') };
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded afresh inside the isolated registry
    for (const m of modules) loaded[m] = require(m) as Record<string, unknown>;
  });
  return { calls, loaded };
}

describe('schemas of the workflow sandbox are built lazily', () => {
  it('loading the sandbox modules builds no zod schema', () => {
    const { calls } = loadCountingZodCalls(SANDBOX_SCHEMA_MODULES);
    expect(calls).toEqual([]);
  });

  it('the counting zod sees a schema being built on first use, once', () => {
    const { calls, loaded } = loadCountingZodCalls(['../../../contracts/outcomes']);
    const build = loaded['../../../contracts/outcomes']!.taskOutcomeSchema as typeof taskOutcomeSchema;
    const schema = build();
    expect(calls).toContain('z.discriminatedUnion');
    expect(calls).toContain('z.iso.datetime');
    const afterFirst = calls.length;
    expect(build()).toBe(schema);
    expect(calls).toHaveLength(afterFirst);
    expect(schema.safeParse({ kind: 'urgent_placement' }).success).toBe(false);
  });

  it('resolving a bundled pack builds no zod schema: the sandbox reads its parsed form', () => {
    const { calls, loaded } = loadCountingZodCalls(['../../../policies/index']);
    const policies = loaded['../../../policies/index']! as typeof import('../../../policies');
    expect(policies.getPolicyPack('cn-changning', '1.1.0').version).toBe('1.1.0');
    expect(policies.loadPolicyPack('ft-fengtai').id).toBe('ft-fengtai');
    expect(calls).toEqual([]);
  });

  it('lazySchema builds on the first call only and returns the same schema after', () => {
    let builds = 0;
    const schema = lazySchema(() => ({ built: ++builds }));
    expect(builds).toBe(0);
    const first = schema();
    expect(schema()).toBe(first);
    expect(builds).toBe(1);
  });

  it('the kind lists written out in contracts/outcomes.ts are exactly the schemas’ own, in order', () => {
    expect(TASK_KINDS).toEqual(taskOutcomeSchema().options.map((o) => o.shape.kind.value));
    expect(RESPONSE_KINDS).toEqual(concernResponseSchema().options.map((o) => o.shape.response.value));
    expect(CUSTODY_KINDS).toEqual(custodySchema().options.map((o) => o.shape.kind.value));
  });
});
