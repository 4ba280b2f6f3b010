/**
 * TTLs for the in-memory store: entries carry a millisecond deadline and vanish once the injected
 * clock passes it, as Redis keys do.
 *
 * @example
 * ```ts
 * const { live } = createExpiry(clock);
 * const entry = live(tokens, id); // undefined once expired
 * ```
 * @module
 */
import type { Clock } from "../../clock.js";

/** An entry with a TTL. */
export interface Expiring {
  /** Milliseconds since the epoch, or null for no TTL. */
  expiresAt: number | null;
}

/** Reads entries as Redis would: an expired one is dropped and reads as missing. */
export interface Expiry {
  readonly clock: Clock;
  live<T extends Expiring>(map: Map<string, T>, key: string): T | undefined;
}

/**
 * Expiry on `clock`.
 *
 * @example
 * ```ts
 * const expiry = createExpiry(() => Date.now());
 * ```
 */
export function createExpiry(clock: Clock): Expiry {
  return {
    clock,
    live(map, key) {
      const entry = map.get(key);
      if (entry && entry.expiresAt !== null && entry.expiresAt <= clock()) {
        map.delete(key);
        return undefined;
      }
      return entry;
    },
  };
}

/** Converts "keep until `seconds`" into a millisecond deadline (null stays forever). */
export function deadline(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

/** The later of two deadlines, where null means never. */
export function later(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}
