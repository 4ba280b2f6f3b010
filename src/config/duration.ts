/**
 * Parses the duration spellings accepted in configuration: a whole number of seconds (`3600`) or a
 * number with one unit (`90s`, `15m`, `12h`, `30d`).
 * @module
 */

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Converts a duration string to whole seconds, or returns `undefined` if it is not one.
 *
 * @example
 * ```ts
 * parseDurationSeconds("30d"); // 2592000
 * ```
 */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^(\d{1,10})([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNIT_SECONDS[match[2] || "s"] ?? 1;
  return amount * unit;
}

/**
 * Writes whole seconds in the largest unit of the configuration's spelling that divides them, so
 * a message names a lifetime as the configuration would (`365d`, `90m`, `45s`).
 *
 * @example
 * ```ts
 * formatDuration(2592000); // "30d"
 * ```
 */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
