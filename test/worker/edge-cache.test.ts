/** The in-isolate edge cache: bounds, `Age`, conditional requests, eviction (frozen clock). */
import { describe, expect, it } from "vitest";
import { createEdgeCache, edgeCacheSeconds } from "../../src/worker/edge-cache.js";

const URL_A = "https://issuer.test/v1/status-lists/a";

function answer(body = "jwt", headers: Record<string, string> = {}, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain", ...headers } });
}

describe("createEdgeCache", () => {
  it("serves a stored answer with its Age until the bound, then forgets it", async () => {
    let now = 1_000_000;
    const cache = createEdgeCache({ clock: () => now });
    const sent = await cache.put(new Request(URL_A), answer("list-1"), 60);
    expect(await sent.text()).toBe("list-1");
    now += 59_999;
    const hit = cache.match(new Request(`${URL_A}?ignored=1`));
    expect(hit?.status).toBe(200);
    expect(hit?.headers.get("age")).toBe("59");
    expect(await hit?.text()).toBe("list-1");
    now += 1;
    expect(cache.match(new Request(URL_A))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const cache = createEdgeCache({ clock: () => 0 });
    await cache.put(new Request(URL_A), answer("keys", { etag: '"abc"' }), 60);
    const hit = cache.match(new Request(URL_A, { headers: { "if-none-match": '"abc"' } }));
    expect(hit?.status).toBe(304);
    expect(hit?.headers.get("etag")).toBe('"abc"');
    expect(hit?.headers.get("content-type")).toBeNull();
    expect(await hit?.text()).toBe("");
  });

  it("stores only 200 answers to GET, and evicts the oldest beyond maxEntries", async () => {
    const cache = createEdgeCache({ clock: () => 0, maxEntries: 2 });
    await cache.put(new Request(URL_A), answer("gone", {}, 404), 60);
    await cache.put(new Request(URL_A, { method: "HEAD" }), answer(), 60);
    expect(cache.size).toBe(0);
    for (const id of ["a", "b", "c"]) {
      await cache.put(new Request(`https://issuer.test/v1/status-lists/${id}`), answer(id), 60);
    }
    expect(cache.size).toBe(2);
    expect(cache.match(new Request(URL_A))).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe("edgeCacheSeconds", () => {
  it("bounds status lists by their ttl and the JWKS and metadata by min(ttl, 60)", () => {
    expect(edgeCacheSeconds("/v1/status-lists/k3v9q2m7xa-0", 300)).toBe(300);
    expect(edgeCacheSeconds("/.well-known/jwks.json", 300)).toBe(60);
    expect(edgeCacheSeconds("/.well-known/oauth-authorization-server", 10)).toBe(10);
    expect(edgeCacheSeconds("/v1/status-lists/a/b", 60)).toBe(0);
    expect(edgeCacheSeconds("/v1/tokens", 60)).toBe(0);
  });
});
