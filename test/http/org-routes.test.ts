import { describe, expect, it } from "vitest";
import { basic, createTestIssuer, OTHER_CLIENT, STORE_KINDS } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("the org → cell map on the %s store", (kind) => {
  it("is seeded from configuration, cacheable with an ETag, and moved by admins only", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const first = await issuer.request("/v1/routes");
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(await first.json()).toEqual({
      version: 1,
      default_cell: "cell-default",
      cells: { acme: "cell-eu-1", globex: "cell-us-2" },
    });
    expect(
      (await issuer.request("/v1/routes", { headers: { "if-none-match": etag } })).status,
    ).toBe(304);

    const move = (org: string, body: unknown, authorization = issuer.clientAuth) =>
      issuer.request(`/v1/routes/${org}`, {
        method: "PUT",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const before = await issuer.mint({ org: "acme" });
    expect(before.cell).toBe("cell-eu-1");
    expect(
      (await move("acme", { cell: "cell-us-2" }, basic(OTHER_CLIENT.id, OTHER_CLIENT.secret)))
        .status,
    ).toBe(403);
    expect((await move("acme", { cell: "bad cell" })).status).toBe(400);
    const moved = await move("acme", { cell: "cell-us-2" });
    expect(await moved.json()).toEqual({ org: "acme", cell: "cell-us-2", version: 2 });
    const after = await issuer.request("/v1/routes", { headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { cells: Record<string, string> }).cells.acme).toBe(
      "cell-us-2",
    );
    expect((await issuer.mint({ org: "acme" })).cell).toBe("cell-us-2");
    expect((await issuer.mint({ org: "initech" })).cell).toBe("cell-default");
  });

  it("does not overwrite a moved org when the configuration seeds again", async () => {
    const issuer = await createTestIssuer({ store: kind });
    await issuer.store.setOrgCell("acme", "cell-x");
    await issuer.store.seedOrgCells({ acme: "cell-eu-1", newco: "cell-y" });
    expect(await issuer.store.readOrgCells()).toEqual({
      version: 3,
      cells: { acme: "cell-x", globex: "cell-us-2", newco: "cell-y" },
    });
    await issuer.store.seedOrgCells({ acme: "cell-eu-1" });
    expect((await issuer.store.readOrgCells()).version).toBe(3);
  });
});
