/**
 * The wrangler build of src/worker.ts in workerd, over a real Redis: mint, JWKS, verification
 * with the package's verifier (running here, inside workerd), revocation, introspection, status
 * lists and their edge cache, and failing closed when Redis is down or the bindings are wrong.
 */
import { env } from "cloudflare:workers";
import { createVerifier, TokenVerificationFailed } from "@tokenmint/verifier";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { call, clientAuth, form, mint, serverTiming, sleep, statusAt, textOf } from "./helpers.js";

interface StatusClaim {
  readonly status_list: { readonly idx: number; readonly uri: string };
}

function statusOf(token: string): StatusClaim["status_list"] {
  return decodeJwt<{ status: StatusClaim }>(token.replace(/^tmpat_/, "")).status.status_list;
}

function verifierFor(worker: Fetcher) {
  return createVerifier({
    issuer: env.ISSUER_URL,
    audience: "https://api.test",
    cache: false,
    fetch: (input, init) => worker.fetch(input, init),
  });
}

describe("the issuer on Workers", () => {
  it("mints a token whose claims the verifier accepts inside workerd", async () => {
    const minted = await mint(env.ISSUER, { subject: "bob", scope: ["read_api", "read_user"] });
    expect(minted.token).toMatch(/^tmpat_ey/);
    const claims = await verifierFor(env.ISSUER).verify(minted.token);
    expect(claims).toMatchObject({
      iss: env.ISSUER_URL,
      sub: "bob",
      aud: ["https://api.test"],
      client_id: env.CLIENT_ID,
      jti: minted.id,
      scope: "read_api read_user",
    });
    expect(statusOf(minted.token).uri).toMatch(/^https:\/\/issuer\.test\/v1\/status-lists\//);
  });

  it("serves the JWKS with cache headers, from the isolate's cache after the first request", async () => {
    await mint();
    const first = await call(env.ISSUER, "/.well-known/jwks.json");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(first.headers.get("cache-control")).toBe("public, max-age=300, stale-if-error=86400");
    const etag = first.headers.get("etag");
    const jwks = (await first.json()) as { keys: { kid: string; alg: string; d?: string }[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((key) => key.alg === "ES256" && key.d === undefined)).toBe(true);

    const second = await call(env.ISSUER, "/.well-known/jwks.json");
    expect(serverTiming(second)).toEqual({ "edge-cache": "hit" });
    expect(second.headers.get("age")).toMatch(/^\d+$/);
    expect(await second.json()).toEqual(jwks);

    const notModified = await call(env.ISSUER, "/.well-known/jwks.json", {
      headers: { "if-none-match": etag ?? "" },
    });
    expect(notModified.status).toBe(304);
    expect(serverTiming(notModified)).toEqual({ "edge-cache": "hit" });
  });

  it("serves the same metadata as on Node", async () => {
    const response = await call(env.ISSUER, "/.well-known/oauth-authorization-server");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: env.ISSUER_URL,
      jwks_uri: `${env.ISSUER_URL}/.well-known/jwks.json`,
      introspection_endpoint: `${env.ISSUER_URL}/v1/introspect`,
      revocation_endpoint: `${env.ISSUER_URL}/v1/revoke`,
      access_token_signing_alg_values_supported: ["ES256"],
    });
  });

  it("introspects, revokes (RFC 7009) and then shows the token revoked everywhere", async () => {
    const minted = await mint();
    const auth = { authorization: clientAuth() };
    const active = await call(env.ISSUER, "/v1/introspect", form({ token: minted.token }, auth));
    expect(active.status).toBe(200);
    expect(await active.json()).toMatchObject({ active: true, jti: minted.id, sub: "alice" });

    const { idx, uri } = statusOf(minted.token);
    const path = new URL(uri).pathname;
    const before = await call(env.ISSUER, path);
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toBe("application/statuslist+jwt");
    expect(before.headers.get("cache-control")).toBe("public, max-age=60");
    expect(await statusAt(await textOf(before), idx)).toBe(0);

    const revoked = await call(env.ISSUER, "/v1/revoke", form({ token: minted.token }));
    expect(revoked.status).toBe(200);

    const inactive = await call(env.ISSUER, "/v1/introspect", form({ token: minted.token }, auth));
    expect(await inactive.json()).toEqual({ active: false });
    // A change made through this isolate drops its cache: the list is fresh at once here.
    const after = await call(env.ISSUER, path);
    expect(serverTiming(after)["edge-cache"]).toBe("miss");
    expect(await statusAt(await textOf(after), idx)).toBe(1);

    const failure = await verifierFor(env.ISSUER)
      .verify(minted.token)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenVerificationFailed);
    expect((failure as TokenVerificationFailed).code).toBe("token_revoked");
  });

  it("shows a revocation to another isolate within the status list's ttl", async () => {
    const minted = await mint();
    const { idx, uri } = statusOf(minted.token);
    const path = new URL(uri).pathname;
    let first = await call(env.REPLICA, path);
    // Another test file may have cached this list in the shared runtime: wait for a fresh copy.
    for (let tries = 0; serverTiming(first)["edge-cache"] !== "miss" && tries < 20; tries += 1) {
      await sleep(250);
      first = await call(env.REPLICA, path);
    }
    expect(serverTiming(first)["edge-cache"]).toBe("miss");
    expect(first.headers.get("cache-control")).toBe("public, max-age=2");
    const storedAt = Date.now();
    expect(await statusAt(await textOf(first), idx)).toBe(0);

    const revoked = await call(env.ISSUER, `/v1/tokens/${minted.id}`, {
      method: "DELETE",
      headers: { authorization: clientAuth() },
    });
    expect(revoked.status).toBe(204);

    const cached = await call(env.REPLICA, path);
    expect(serverTiming(cached)["edge-cache"]).toBe("hit");
    expect(await statusAt(await textOf(cached), idx)).toBe(0);

    await sleep(Math.max(0, storedAt + 2100 - Date.now()));
    const fresh = await call(env.REPLICA, path);
    expect(serverTiming(fresh)["edge-cache"]).toBe("miss");
    expect(await statusAt(await textOf(fresh), idx)).toBe(1);
  });

  it("answers a cached route without opening a Redis connection, and others with one", async () => {
    await call(env.ISSUER, "/.well-known/jwks.json");
    const cached = await call(env.ISSUER, "/.well-known/jwks.json");
    expect(serverTiming(cached)).toEqual({ "edge-cache": "hit" });
    const health = await call(env.ISSUER, "/healthz");
    expect(serverTiming(health)).toEqual({ "edge-cache": "bypass" });
    const ready = await call(env.ISSUER, "/readyz");
    expect(ready.status).toBe(200);
    expect(Object.keys(serverTiming(ready))).toEqual(["edge-cache", "redis-connect"]);
  });

  it("fails closed with a 503 problem when Redis does not answer", async () => {
    const health = await call(env.DOWN, "/healthz");
    expect(health.status).toBe(503);
    const ready = await call(env.DOWN, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.headers.get("content-type")).toBe("application/problem+json");
    expect(ready.headers.get("retry-after")).toBe("5");
    expect(await ready.json()).toMatchObject({ code: "store_unavailable" });
  });

  it("answers 500 configuration_invalid when a required secret is missing", async () => {
    const response = await call(env.MISCONFIGURED, "/healthz");
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as { code: string; detail: string };
    expect(body.code).toBe("configuration_invalid");
    expect(body.detail).not.toContain("KEK");
  });
});
