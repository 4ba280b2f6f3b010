/**
 * Times every operation of a {@link Store} (the Redis latency the issuer sees, round trips and
 * scripts included) without changing what it does: each method wrapped under its own name.
 *
 * @example
 * ```ts
 * const timed = timeStore(store, { observe: (op, s) => histogram.observe({ operation: op }, s), failed() {} });
 * ```
 * @module
 */
import { type AnyMethod, STORE_METHODS, wrapMethods } from "../store/store-methods.js";
import type { Store } from "../store/types.js";

/** Where timings go. */
export interface StoreTimings {
  observe(operation: string, seconds: number): void;
  failed(operation: string): void;
}

/** Operations that are not round trips to the store (not timed). */
const UNTIMED: ReadonlySet<keyof Store> = new Set(["close"]);

/**
 * The store with every async method timed.
 *
 * @example
 * ```ts
 * const timed = timeStore(createMemoryStore(), { observe() {}, failed() {} });
 * ```
 */
export function timeStore(store: Store, timings: StoreTimings): Store {
  return wrapMethods<Store>(STORE_METHODS, (name) =>
    UNTIMED.has(name) ? bound(store, store[name]) : timed(store, name, store[name], timings),
  );
}

/** `method`, called on `target`. */
function bound<F extends AnyMethod>(target: object, method: F): F {
  return ((...args: Parameters<F>) => method.apply(target, args)) as F;
}

/** `method` (called on `target`) with its duration, and its failures, reported as `operation`. */
function timed<F extends AnyMethod>(
  target: object,
  operation: string,
  method: F,
  timings: StoreTimings,
): F {
  const wrapper = (...args: Parameters<F>) => {
    const started = performance.now();
    const finish = () => timings.observe(operation, (performance.now() - started) / 1000);
    let result: unknown;
    try {
      result = method.apply(target, args);
    } catch (error) {
      timings.failed(operation);
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
          timings.failed(operation);
          throw error;
        },
      );
    }
    finish();
    return result;
  };
  // A wrapper with F's parameters returns what F returns (or its promise, settled the same way).
  return wrapper as F;
}
