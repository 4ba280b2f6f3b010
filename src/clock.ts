/**
 * The injected clock. Everything that compares times takes one, so tests freeze or advance time
 * instead of sleeping.
 * @module
 */

/** Returns the current time in milliseconds since the Unix epoch. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();

/** Whole seconds since the Unix epoch for a clock reading. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
