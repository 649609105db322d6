/** Retries `check` until it stops throwing: read models, mail and readiness follow the real servers by a moment. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
