/**
 * `allowed_ips` inside workerd: the issuer Worker (the real wrangler build) refuses a bearer token
 * from outside its list by `CF-Connecting-IP`; `requireToken` reads that header by default on
 * Workers, and X-Forwarded-For only behind `behindProxies`; the router Worker refuses such a token
 * before any cell sees it, and reads the client behind `ROUTER_TRUSTED_PROXIES`.
 */
import { env } from "cloudflare:workers";
import {
  behindProxies,
  createVerifier,
  requireToken,
  type TokenVariables,
} from "@tokenmint/verifier";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/router/worker.js";
import { call, mint } from "./helpers.js";

const verifier = createVerifier({
  issuer: env.ISSUER_URL,
  audience: "https://api.test",
  fetch: (input, init) => env.ISSUER.fetch(input, init),
});

const from = (token: string, address: string, forwarded?: string) => ({
  headers: {
    authorization: `Bearer ${token}`,
    "cf-connecting-ip": address,
    ...(forwarded === undefined ? {} : { "x-forwarded-for": forwarded }),
  },
});

describe("allowed_ips on Workers", () => {
  it("the issuer refuses a bearer token from outside its list with 403 ip_not_allowed", async () => {
    const minted = await mint(env.ISSUER, {
      subject: "ip-bob",
      scope: ["read_api", "manage_tokens"],
      allowed_ips: ["192.0.2.0/24", "2001:db8::/32"],
    });
    expect(minted.allowed_ips).toEqual(["192.0.2.0/24", "2001:db8::/32"]);
    const inside = await call(env.ISSUER, "/v1/tokens/self", from(minted.token, "192.0.2.44"));
    expect(inside.status).toBe(200);
    const v6 = await call(env.ISSUER, "/v1/tokens/self", from(minted.token, "2001:db8::9"));
    expect(v6.status).toBe(200);
    const outside = await call(env.ISSUER, "/v1/tokens/self", from(minted.token, "198.51.100.7"));
    expect(outside.status).toBe(403);
    expect(await outside.json()).toMatchObject({
      code: "ip_not_allowed",
      detail: "The token may not be used from 198.51.100.7",
    });
  });

  it("requireToken reads CF-Connecting-IP, and X-Forwarded-For only behind trusted proxies", async () => {
    const minted = await mint(env.ISSUER, { subject: "ip-carol", allowed_ips: ["192.0.2.0/24"] });
    const app = new Hono<{ Variables: TokenVariables }>();
    app.get("/direct", requireToken({ verifier }), (c) => c.text(c.get("tokenClaims").sub));
    app.get(
      "/proxied",
      requireToken({ verifier, clientAddress: behindProxies(["10.0.0.0/8"]) }),
      (c) => c.text(c.get("tokenClaims").sub),
    );
    const get = (path: string, init: RequestInit) => app.request(`https://api.test${path}`, init);
    expect((await get("/direct", from(minted.token, "192.0.2.1"))).status).toBe(200);
    expect((await get("/direct", from(minted.token, "::ffff:192.0.2.1"))).status).toBe(200);
    const refused = await get("/direct", from(minted.token, "198.51.100.7", "192.0.2.1"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "ip_not_allowed" });
    expect((await get("/proxied", from(minted.token, "10.0.0.5", "192.0.2.1"))).status).toBe(200);
    expect(
      (await get("/proxied", from(minted.token, "10.0.0.5", "192.0.2.1, 198.51.100.7"))).status,
    ).toBe(403);
    expect((await get("/proxied", from(minted.token, "198.51.100.7", "192.0.2.1"))).status).toBe(
      403,
    );
  });
});

describe("allowed_ips at the router Worker", () => {
  const seen: string[] = [];
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).host !== "cell-a.test") return realFetch(request);
      seen.push(request.url);
      return Promise.resolve(new Response("cell-a"));
    });
  });
  afterAll(() => vi.restoreAllMocks());

  const bindings = (extra: Record<string, string> = {}) => ({
    ROUTER_ISSUER: env.ISSUER_URL,
    ROUTER_AUDIENCE: "https://api.test",
    ROUTER_CELLS: "cell-a=https://cell-a.test",
    ROUTER_FALLBACK: "cell-a",
    ISSUER: env.ISSUER,
    ...extra,
  });
  const route = (init: RequestInit, extra?: Record<string, string>) =>
    worker.fetch(new Request("https://router.test/api/v4/user", init), bindings(extra));

  it("refuses a token from outside its list before any cell sees it", async () => {
    const minted = await mint(env.ISSUER, { subject: "ip-dave", allowed_ips: ["192.0.2.0/24"] });
    expect((await route(from(minted.token, "192.0.2.9"))).status).toBe(200);
    const before = seen.length;
    const refused = await route(from(minted.token, "198.51.100.7", "192.0.2.9"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "ip_not_allowed" });
    expect(seen.length).toBe(before);
  });

  it("reads the client behind ROUTER_TRUSTED_PROXIES", async () => {
    const minted = await mint(env.ISSUER, { subject: "ip-erin", allowed_ips: ["192.0.2.0/24"] });
    const proxies = { ROUTER_TRUSTED_PROXIES: "10.0.0.0/8" };
    expect((await route(from(minted.token, "10.1.1.1", "192.0.2.9"), proxies)).status).toBe(200);
    expect((await route(from(minted.token, "10.1.1.1", "198.51.100.7"), proxies)).status).toBe(403);
  });
});
