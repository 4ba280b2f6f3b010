/**
 * A mint's first round trip made of separate store calls (memory, Redis Cluster): when one part
 * fails, a place the slot part reserved is given back, so a failed mint never holds one.
 */
import { describe, expect, it } from "vitest";
import { StoreUnavailable } from "../../src/errors.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import { openMintSeparately } from "../../src/store/open-mint.js";
import { mintOpening } from "./contract-suite.js";

const NOW = 1_800_000_000;

describe("openMintSeparately", () => {
  it("gives a reserved place back when the gate or the client's counter fails", async () => {
    const store = createMemoryStore({ clock: () => NOW * 1000 });
    await store.open(16);
    const opening = (id: string) => mintOpening(id, NOW);
    const failing = new StoreUnavailable("the gate could not answer");
    const gateDown = openMintSeparately({ ...store, noteKeyUse: () => Promise.reject(failing) });
    await expect(gateDown(opening("a"))).rejects.toBe(failing);
    const counterDown = openMintSeparately({ ...store, countHit: () => Promise.reject(failing) });
    await expect(counterDown(opening("b"))).rejects.toBe(failing);
    expect(await store.listTokenIds({ subject: "alice" })).toEqual([]);
    // With every part answering, the place stays reserved.
    expect((await openMintSeparately(store)(opening("c"))).slot).toBe("reserved");
    expect(await store.listTokenIds({ subject: "alice" })).toEqual(["c"]);
    await store.close();
  });
});
