/**
 * Times every operation of a {@link Store} (the Redis latency the issuer sees, round trips and
 * scripts included) without changing what it does: a `Proxy` that wraps each method call.
 *
 * @example
 * ```ts
 * const timed = timeStore(store, { observe: (op, s) => histogram.observe({ operation: op }, s), failed() {} });
 * ```
 * @module
 */
import type { Store } from "../store/types.js";

/** Where timings go. */
export interface StoreTimings {
  observe(operation: string, seconds: number): void;
  failed(operation: string): void;
}

/** Operations that are not round trips to the store (not timed). */
const UNTIMED = new Set(["close"]);

/** The store with every async method timed. */
export function timeStore(store: Store, timings: StoreTimings): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string" || UNTIMED.has(property)) {
        return value;
      }
      const cached = wrapped.get(property);
      if (cached) return cached;
      const timed = (...args: unknown[]) => {
        const started = performance.now();
        const finish = () => timings.observe(property, (performance.now() - started) / 1000);
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          timings.failed(property);
          throw error;
        }
        if (result instanceof Promise) {
          return result.then(
            (answer) => {
              finish();
              return answer;
            },
            (error: unknown) => {
              finish();
              timings.failed(property);
              throw error;
            },
          );
        }
        finish();
        return result;
      };
      wrapped.set(property, timed);
      return timed;
    },
  });
}
