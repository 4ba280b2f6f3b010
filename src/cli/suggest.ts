/**
 * "Did you mean": the known name closest to a mistyped one, by edit distance.
 *
 * @example
 * ```ts
 * closest("tokns", ["tokens", "keys"]); // "tokens"
 * ```
 * @module
 */

/** Levenshtein distance (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate nearest to `input`: a unique prefix match, or one within an edit distance of a
 * third of its length (at least 2), so short typos match and unrelated words do not.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((candidate) => candidate.startsWith(input));
  if (input.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: { name: string; cost: number } | undefined;
  for (const name of candidates) {
    const cost = distance(input, name);
    if (cost <= Math.max(2, Math.floor(name.length / 3)) && (!best || cost < best.cost)) {
      best = { name, cost };
    }
  }
  return best?.name;
}

/** `; did you mean X?` when there is a close candidate, else nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match === undefined ? "" : `; did you mean ${match}?`;
}
