/**
 * The in-memory store's epoch: created on the first `open()`, kept for the life of the process.
 *
 * @example
 * ```ts
 * const { lifecycle, opened } = createMemoryLifecycle();
 * await lifecycle.open(131072);
 * ```
 * @module
 */
import { StoreUnavailable } from "../../errors.js";
import { randomSlug } from "../../random.js";
import type { StoreEpoch } from "../records.js";
import type { StoreLifecycle } from "../types.js";

/** The lifecycle role, and the epoch it opened for the other roles. */
export interface MemoryLifecycle {
  readonly lifecycle: StoreLifecycle;
  /** The epoch in force. @throws {StoreUnavailable} before `open()`. */
  opened(): StoreEpoch;
}

/**
 * The lifecycle role in memory.
 *
 * @example
 * ```ts
 * const { lifecycle } = createMemoryLifecycle();
 * ```
 */
export function createMemoryLifecycle(): MemoryLifecycle {
  let epoch: StoreEpoch | null = null;
  function opened(): StoreEpoch {
    if (!epoch) throw new StoreUnavailable("The store was not opened");
    return epoch;
  }
  return {
    opened,
    lifecycle: {
      async open(listSize) {
        epoch ??= { id: randomSlug(10), listSize };
        return epoch;
      },
      async ping() {
        opened();
      },
      async close() {},
    },
  };
}
