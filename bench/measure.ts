/**
 * Operations per second of an in-process function, sequentially or with N calls in flight.
 * Synchronous functions are not awaited in the sequential loop, so a synchronous baseline pays no
 * promise overhead it would not pay in real use.
 * @module
 */

/** A function under test; `i` picks the input. */
export type Operation = (i: number) => unknown;

/** Runs `op` for `ms` milliseconds with `inFlight` concurrent callers; returns ops per second. */
export async function opsPerSecond(op: Operation, ms: number, inFlight = 1): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  async function caller(): Promise<void> {
    while (performance.now() < end) {
      const result = op(count++);
      if (result instanceof Promise) await result;
    }
  }
  const callers = Array.from({ length: inFlight }, caller);
  await Promise.all(callers);
  return count / ((performance.now() - start) / 1000);
}

/**
 * Measures several contenders in interleaved rounds (so drift hits all alike) and keeps each one's
 * best round (noise only ever slows a loop down).
 */
export async function compare(
  contenders: Readonly<Record<string, Operation>>,
  options: { readonly ms: number; readonly rounds: number; readonly inFlight: number },
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (const [name, op] of Object.entries(contenders)) {
    await opsPerSecond(op, Math.max(5, options.ms / 4), options.inFlight); // warm-up, JIT
    best[name] = 0;
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, op] of Object.entries(contenders)) {
      const ops = await opsPerSecond(op, options.ms, options.inFlight);
      best[name] = Math.max(best[name] ?? 0, ops);
    }
  }
  return best;
}
