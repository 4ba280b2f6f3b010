/**
 * The method table of the store roles: both stores have exactly its methods, and the typed
 * wrappers built from it (timing, the Worker's per-request facade) wrap every one of them.
 */
import { describe, expect, inject, it } from "vitest";
import { timeStore } from "../../src/metrics/timed-store.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { STORE_METHODS } from "../../src/store/store-methods.js";
import { testClock } from "../helpers/issuer.js";

const methods = Object.keys(STORE_METHODS).sort();

describe("the store method table", () => {
  it("lists exactly the methods of the memory and Redis stores", async () => {
    expect(Object.keys(createMemoryStore()).sort()).toEqual(methods);
    const redis = createRedisStore({ url: inject("redisUrl"), prefix: `methods${Date.now()}:` });
    expect(Object.keys(redis).sort()).toEqual(methods);
    await redis.close();
  });

  it("times every method but close, and counts failures under the method's name", async () => {
    const observed: string[] = [];
    const failed: string[] = [];
    const store = timeStore(createMemoryStore({ clock: testClock() }), {
      observe: (operation) => observed.push(operation),
      failed: (operation) => failed.push(operation),
    });
    expect(Object.keys(store).sort()).toEqual(methods);
    await expect(store.ping()).rejects.toThrow("not opened");
    await store.open(8);
    await store.countHit("x", 0, 60);
    await store.close();
    expect(observed).toEqual(["ping", "open", "countHit"]);
    expect(failed).toEqual(["ping"]);
  });
});
