/**
 * The router's copy of the org → cell map, against a scripted `/v1/routes`: lazy first fetch,
 * no fetch within `refreshSeconds`, `If-None-Match` and 304, failures keeping the last copy,
 * single-flight refreshes, and malformed documents refused.
 */
import { describe, expect, it } from "vitest";
import { createRouteMap, parseRoutesBody } from "../../src/router/route-map.js";
import { settableClock } from "./helpers.js";

const URL_ = "https://issuer.test/v1/routes";

function scriptedIssuer() {
  const state = {
    version: 1,
    cells: { acme: "cell-a" } as Record<string, string>,
    fail: false,
    requests: [] as (string | null)[],
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    expect(String(input)).toBe(URL_);
    const ifNoneMatch = new Headers(init?.headers).get("if-none-match");
    state.requests.push(ifNoneMatch);
    if (state.fail) throw new TypeError("fetch failed");
    const etag = `"routes-${state.version}"`;
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers: { etag } });
    return Response.json(
      { version: state.version, default_cell: null, cells: state.cells },
      { headers: { etag } },
    );
  };
  return { state, fetch };
}

describe("the route map", () => {
  it("fetches on the first lookup, then revalidates with If-None-Match once refreshSeconds pass", async () => {
    const clock = settableClock(0);
    const { state, fetch } = scriptedIssuer();
    const routes = createRouteMap({ url: URL_, refreshSeconds: 10, fetch, now: clock });
    expect(routes.snapshot()).toBeUndefined();
    expect(await routes.cellOf("acme")).toBe("cell-a");
    expect(await routes.cellOf("globex")).toBeUndefined();
    expect(state.requests).toEqual([null]);

    clock.advance(9.999);
    state.cells = { acme: "cell-b" };
    state.version = 2;
    expect(await routes.cellOf("acme")).toBe("cell-a");
    expect(state.requests).toHaveLength(1);

    clock.advance(0.001);
    expect(await routes.cellOf("acme")).toBe("cell-b");
    expect(state.requests).toEqual([null, '"routes-1"']);
    clock.advance(10);
    expect(await routes.cellOf("acme")).toBe("cell-b");
    expect(state.requests).toEqual([null, '"routes-1"', '"routes-2"']);
    expect(routes.snapshot()?.version).toBe(2);
  });

  it("keeps the last copy when the issuer fails, and tries again only after refreshSeconds", async () => {
    const clock = settableClock(0);
    const { state, fetch } = scriptedIssuer();
    const errors: string[] = [];
    const routes = createRouteMap({
      url: URL_,
      refreshSeconds: 5,
      fetch,
      now: clock,
      onError: (error) => errors.push((error as Error).message),
    });
    await routes.cellOf("acme");
    state.fail = true;
    clock.advance(5);
    expect(await routes.cellOf("acme")).toBe("cell-a");
    expect(await routes.cellOf("acme")).toBe("cell-a");
    expect(errors).toEqual(["fetch failed"]);
    state.fail = false;
    state.version = 2;
    state.cells = {};
    clock.advance(5);
    expect(await routes.cellOf("acme")).toBeUndefined();
    expect(state.requests).toHaveLength(3);
  });

  it("routes by nothing (the claim decides) when the first fetch fails", async () => {
    const { state, fetch } = scriptedIssuer();
    state.fail = true;
    const routes = createRouteMap({ url: URL_, fetch, now: settableClock(0) });
    expect(await routes.cellOf("acme")).toBeUndefined();
  });

  it("makes one request for concurrent lookups", async () => {
    const { state, fetch } = scriptedIssuer();
    const routes = createRouteMap({ url: URL_, fetch, now: settableClock(0) });
    const cells = await Promise.all(["acme", "acme", "globex"].map((org) => routes.cellOf(org)));
    expect(cells).toEqual(["cell-a", "cell-a", undefined]);
    expect(state.requests).toHaveLength(1);
  });

  it("refuses malformed documents and never reads inherited properties as cells", async () => {
    expect(() => parseRoutesBody('{"cells":{}}', undefined)).toThrow(TypeError);
    expect(() => parseRoutesBody('{"version":1,"cells":{"a":1}}', undefined)).toThrow(TypeError);
    const snapshot = parseRoutesBody('{"version":3,"cells":{"a":"cell-a"}}', '"routes-3"');
    expect(snapshot.cells.get("constructor")).toBeUndefined();
    expect(snapshot).toEqual({ version: 3, cells: new Map([["a", "cell-a"]]), etag: '"routes-3"' });
    const errors: unknown[] = [];
    const routes = createRouteMap({
      url: URL_,
      fetch: async () => new Response("<html>", { status: 200 }),
      now: settableClock(0),
      onError: (error) => errors.push(error),
    });
    expect(await routes.cellOf("a")).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
