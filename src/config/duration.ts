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
