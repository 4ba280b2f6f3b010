/**
 * The cell router inside workerd: the Worker entry (src/router/worker.ts) built from bindings,
 * reaching the issuer Worker through its service binding, gives the same answers as on Node:
 * routing by claim, by the org → cell map after a move, and by fallback; 401 for invalid tokens;
 * 502 for an unknown cell; and a revoked token stopping at the router within the status list
 * ttl (there with the router built directly, the verifier's clock injected, and a short real
 * wait for the issuer replica's 2 s edge cache). The cells are
 * Hono echo apps behind a stubbed global `fetch`.
 */
import { env } from "cloudflare:workers";
import { createVerifier } from "@tokenmint/verifier";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCellRouter } from "../../src/router/create-cell-router.js";
import worker from "../../src/router/worker.js";
import { call, clientAuth, form, mint, sleep } from "./helpers.js";

interface Echo {
  cell: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const CELLS = { "cell-a": "https://cell-a.test", "cell-b": "https://cell-b.test" };
const seen: Echo[] = [];

function echoCell(name: string): Hono {
  return new Hono().all("*", async (c) => {
    const echo: Echo = {
      cell: name,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      headers: Object.fromEntries(c.req.raw.headers),
      body: await c.req.text(),
    };
    seen.push(echo);
    return c.json(echo);
  });
}

const cells = new Map([
  ["cell-a.test", echoCell("cell-a")],
  ["cell-b.test", echoCell("cell-b")],
]);
const realFetch = globalThis.fetch;

beforeAll(() => {
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    const cell = cells.get(new URL(request.url).host);
    return cell ? Promise.resolve(cell.fetch(request)) : realFetch(request);
  });
});
afterAll(() => vi.restoreAllMocks());

/** A fresh org per run (the Redis and the issuer are shared with the other Worker tests). */
const run = Math.random().toString(36).slice(2, 8);
const ORG = `router-${run}`;

const bindings = {
  ROUTER_ISSUER: env.ISSUER_URL,
  ROUTER_AUDIENCE: "https://api.test",
  ROUTER_CELLS: Object.entries(CELLS)
    .map(([cell, url]) => `${cell}=${url}`)
    .join(","),
  ROUTER_FALLBACK: "cell-b",
  ROUTER_ROUTES_REFRESH: "1",
  ROUTER_FORWARD_CLAIMS_HEADER: "X-Tokenmint-Claims",
  ISSUER: env.ISSUER,
};

async function route(path: string, init: RequestInit = {}): Promise<Response> {
  return await worker.fetch(new Request(`https://router.test${path}`, init), bindings);
}

async function move(org: string, cell: string): Promise<void> {
  const response = await call(env.ISSUER, `/v1/routes/${org}`, {
    method: "PUT",
    headers: { authorization: clientAuth(), "content-type": "application/json" },
    body: JSON.stringify({ cell }),
  });
  expect(response.status).toBe(200);
}

describe("the cell router on Workers", () => {
  it("routes by claim, follows a move after the refresh, and sends cluster-wide tokens to the fallback", async () => {
    await move(ORG, "cell-a");
    const old = await mint(env.ISSUER, { org: ORG });
    expect(old.cell).toBe("cell-a");
    const first = await route("/api/v4/projects?x=1", {
      method: "POST",
      headers: { authorization: `Bearer ${old.token}`, "cf-connecting-ip": "192.0.2.1" },
      body: "hello cell",
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      cell: "cell-a",
      method: "POST",
      path: "/api/v4/projects",
      body: "hello cell",
      headers: {
        authorization: `Bearer ${old.token}`,
        "x-forwarded-for": "192.0.2.1",
        "x-forwarded-host": "router.test",
        "x-forwarded-proto": "https",
      },
    });

    await move(ORG, "cell-b");
    await sleep(1100);
    const moved = await route("/api/v4/projects", {
      headers: { authorization: `Bearer ${old.token}` },
    });
    expect(((await moved.json()) as Echo).cell).toBe("cell-b");

    const clusterWide = await mint(env.ISSUER);
    const fallback = await route("/api/v4/version", {
      headers: { authorization: `Bearer ${clusterWide.token}` },
    });
    expect(((await fallback.json()) as Echo).cell).toBe("cell-b");
  });

  it("answers invalid tokens and unknown cells itself", async () => {
    const before = seen.length;
    const missing = await route("/x");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    const invalid = await route("/x", { headers: { authorization: "Bearer tmpat_a.b.c" } });
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await invalid.json()).toMatchObject({ code: "token_malformed" });

    const ghostOrg = `ghost-${run}`;
    await move(ghostOrg, "cell-ghost");
    const ghost = await mint(env.ISSUER, { org: ghostOrg });
    const unknown = await route("/x", { headers: { authorization: `Bearer ${ghost.token}` } });
    expect(unknown.status).toBe(502);
    expect(await unknown.json()).toMatchObject({ code: "cell_unknown" });
    expect(seen.length).toBe(before);
  });

  it("stops a revoked token within the status list ttl", async () => {
    let now = Date.now();
    const router = createCellRouter({
      verifier: createVerifier({
        issuer: env.ISSUER_URL,
        audience: "https://api.test",
        // The replica isolate: status list ttl 2 s, so its own edge cache turns over quickly.
        fetch: (input, init) => env.REPLICA.fetch(input, init),
        now: () => now,
      }),
      cells: CELLS,
      fallback: "cell-a",
    });
    const minted = await mint(env.ISSUER);
    const headers = { authorization: `Bearer ${minted.token}` };
    expect((await router.request("https://router.test/r", { headers })).status).toBe(200);
    expect((await call(env.ISSUER, "/v1/revoke", form({ token: minted.token }))).status).toBe(200);
    await sleep(2100); // the replica's edge-cached copy of the list expires
    now += 5000; // the verifier's clamp of the list's ttl
    const revoked = await router.request("https://router.test/r", { headers });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ code: "token_revoked" });
  });
});
