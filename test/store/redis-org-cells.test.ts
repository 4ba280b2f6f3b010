/**
 * The Redis store remembers an org's cell for a second (src/store/redis/org-routes.ts): its own
 * moves show at once, another instance's within that second, and the map itself is always exact.
 */
import { afterAll, describe, expect, inject, it } from "vitest";
import { ORG_CELL_REREAD_MS } from "../../src/store/redis/org-routes.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { uniquePrefix } from "../helpers/issuer.js";

const prefix = uniquePrefix();
const open = () => createRedisStore({ url: inject("redisUrl"), prefix, timeoutMs: 1000 });
const [a, b] = [open(), open()];
afterAll(async () => {
  await a.close();
  await b.close();
});

describe("an org's cell on the Redis store", () => {
  it("shows this instance's move at once and another's within a second", async () => {
    await Promise.all([a.open(1024), b.open(1024)]);
    await a.seedOrgCells({ acme: "cell-eu-1" });
    expect(await a.getOrgCell("acme")).toBe("cell-eu-1");
    expect(await b.getOrgCell("acme")).toBe("cell-eu-1");

    await a.setOrgCell("acme", "cell-us-2");
    expect(await a.getOrgCell("acme")).toBe("cell-us-2");
    expect((await b.readOrgCells()).cells.acme).toBe("cell-us-2");
    await new Promise((resolve) => setTimeout(resolve, ORG_CELL_REREAD_MS + 50));
    expect(await b.getOrgCell("acme")).toBe("cell-us-2");

    expect(await b.getOrgCell("initech")).toBeUndefined();
    await b.seedOrgCells({ initech: "cell-x" });
    expect(await b.getOrgCell("initech")).toBe("cell-x");
  });
});
