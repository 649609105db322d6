/** Stops every server global-setup.ts started, so no process outlives the suite. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__CHILDSAFE_TEST_STACK__?.stop();
}
