/**
 * Paired rounds: a figure measured right after its baseline (`/healthz` on the same server, or the
 * request it is compared with), several times over, each pair giving one ratio. The speed of these
 * shared cores drifts by a third within a minute; two adjacent runs of a few seconds drift far
 * less, and the median of the pairs' ratios ignores the pair a neighbour's burst fell on.
 * @module
 */

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** A paired ratio: the median over rounds of `over[i] ÷ under[i]`, each side's median, the spread. */
export interface PairedRatio {
  readonly ratio: number;
  readonly over: number;
  readonly under: number;
  /** The lowest and highest round's ratio, e.g. `0.31–0.36`. */
  readonly spread: string;
}

/**
 * The median of the rounds' ratios `over[i] ÷ under[i]` (so with CPU per request, `/healthz`'s
 * CPU over a request's gives 0.5 for a request that costs twice `/healthz`).
 *
 * @example
 * ```ts
 * pairedRatio([40, 42, 60], [80, 90, 100]).ratio; // 0.5
 * ```
 */
export function pairedRatio(over: readonly number[], under: readonly number[]): PairedRatio {
  const ratios = over.map((value, i) => value / (under[i] as number));
  const low = Math.min(...ratios).toFixed(2);
  const high = Math.max(...ratios).toFixed(2);
  return {
    ratio: median(ratios),
    over: median(over),
    under: median(under),
    spread: ratios.length > 1 ? `${low}–${high}` : low,
  };
}
