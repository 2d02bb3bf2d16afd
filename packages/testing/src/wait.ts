/**
 * Timeouts in tests only bound a hang; a loaded 2-core CI machine starts processes several times
 * slower than a laptop. OUTPOST_TEST_TIME_SCALE (default 1; .ci/run sets 3) stretches them.
 */
export const TEST_TIME_SCALE = Math.max(1, Number(process.env.OUTPOST_TEST_TIME_SCALE ?? 1) || 1);

/** Poll `cond` until it returns a truthy value or `timeoutMs` (× TEST_TIME_SCALE) passes; returns that value. */
export async function waitFor<T>(cond: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const { intervalMs = 10, what = 'condition' } = opts;
  const timeoutMs = (opts.timeoutMs ?? 5000) * TEST_TIME_SCALE;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
