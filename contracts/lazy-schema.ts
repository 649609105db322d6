/**
 * A zod schema built on first use instead of at module load (issue #19). The workflow sandbox evaluates every bundled
 * module again for each workflow it creates or replays (the SDK's reusable V8 context keeps a module cache per
 * workflow), and building zod schemas was most of that cost and most of the memory a cached workflow holds
 * (bench/README.md, "Timer storms"). A schema declared with `lazySchema` is built the first time it is called, once
 * per module instance (so once per workflow in the sandbox, once per process elsewhere): a workflow that only waits
 * on a timer never builds the outcome, intervention or pack schemas.
 *
 *   export const fooSchema = lazySchema(() => z.object({ bar: barSchema() }).strict());
 *   export type Foo = z.infer<ReturnType<typeof fooSchema>>;
 *   fooSchema().safeParse(input);
 *
 * Pure (no zod import), so the sandbox, the API and the browser bundle all load it.
 */
export type LazySchema<T> = () => T;

export function lazySchema<T>(build: () => T): LazySchema<T> {
  let built: T | undefined;
  return () => {
    if (built === undefined) built = build();
    return built;
  };
}
