/**
 * The reason tokenmint exists, end to end: the real issuer on a port with real Redis, our verifier
 * fetching its JWKS and status lists over HTTP. A token verifies offline; after a revocation or a
 * suspension the verifier rejects it once its cached list is older than the list's ttl; a resumed
 * token verifies again.
 */
import { randomBytes } from "node:crypto";
import { createVerifier } from "@tokenmint/verifier";
import { decompressStatusList, readStatus } from "@tokenmint/verifier/status";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { freePort } from "../helpers/redis-server.js";

const CLIENT = "svc:svc-secret-0123456789abcdef";
const BASIC = `Basic ${btoa(CLIENT)}`;
const TTL = 5;

describe("offline verification with revocation, against the real issuer", () => {
  let issuer: RunningIssuer;
  let base: string;
  let offset = 0;
  const now = () => Date.now() + offset * 1000;

  beforeAll(async () => {
    const port = await freePort();
    issuer = await startServer({
      config: parseConfig({
        PORT: String(port),
        TOKENMINT_ISSUER: `http://127.0.0.1:${port}`,
        REDIS_URL: inject("redisUrl"),
        REDIS_PREFIX: uniquePrefix(),
        TOKENMINT_CLIENTS: CLIENT,
        TOKENMINT_KEK: randomBytes(32).toString("base64url"),
        TOKENMINT_AUDIENCE: "https://api.test",
        TOKENMINT_STATUS_LIST_TTL: String(TTL),
        TOKENMINT_STATUS_LIST_SIZE: "1024",
      }),
      logger: silentLogger,
    });
    base = issuer.url;
  });
  afterAll(async () => issuer.close());

  async function mint(body: Record<string, unknown> = {}) {
    const response = await fetch(`${base}/v1/tokens`, {
      method: "POST",
      headers: { authorization: BASIC, "content-type": "application/json" },
      body: JSON.stringify({ subject: "alice", name: "e2e", scope: ["read_api"], ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; token: string };
  }

  const post = (path: string) =>
    fetch(`${base}${path}`, { method: "POST", headers: { authorization: BASIC } });

  it("serves the status list exactly as the draft specifies", async () => {
    const minted = await mint();
    await fetch(`${base}/v1/tokens/${minted.id}`, {
      method: "DELETE",
      headers: { authorization: BASIC },
    });
    const claims = JSON.parse(
      atob(minted.token.slice(6).split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")),
    );
    const uri = claims.status.status_list.uri as string;
    expect(uri.startsWith(`${base}/v1/status-lists/`)).toBe(true);
    const response = await fetch(uri);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/statuslist+jwt");
    expect(response.headers.get("cache-control")).toBe(`public, max-age=${TTL}`);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    const { payload, protectedHeader } = await jwtVerify(
      await response.text(),
      createLocalJWKSet(jwks),
      {
        typ: "statuslist+jwt",
        subject: uri,
      },
    );
    expect(protectedHeader.typ).toBe("statuslist+jwt");
    expect(Object.keys(payload).sort()).toEqual(["exp", "iat", "iss", "status_list", "sub", "ttl"]);
    expect(payload.ttl).toBe(TTL);
    const list = payload.status_list as { bits: number; lst: string };
    expect(list.bits).toBe(2);
    const bytes = await decompressStatusList(list.lst);
    expect(bytes.length).toBe(1024 / 4);
    expect(readStatus(bytes, 2, claims.status.status_list.idx)).toBe(1);
    expect((await fetch(`${base}/v1/status-lists/zzzzzzzzzz-0`)).status).toBe(404);
  });

  it("verifies offline, then rejects a revoked token once the cached list's ttl has passed", async () => {
    const realVerifier = createVerifier({ issuer: base, audience: "https://api.test", now });
    const minted = await mint();
    expect((await realVerifier.verify(minted.token)).jti).toBe(minted.id);

    await fetch(`${base}/v1/tokens/${minted.id}`, {
      method: "DELETE",
      headers: { authorization: BASIC },
    });
    // Within the ttl the cached list still says valid: that is the documented staleness bound.
    expect((await realVerifier.verify(minted.token)).jti).toBe(minted.id);
    offset += TTL + 1;
    await expect(realVerifier.verify(minted.token)).rejects.toMatchObject({
      code: "token_revoked",
    });
  });

  it("rejects a suspended token with a distinct code and accepts it again after resume", async () => {
    const verifier = createVerifier({ issuer: base, audience: "https://api.test", now });
    const minted = await mint();
    expect((await verifier.verify(minted.token)).sub).toBe("alice");
    expect((await post(`/v1/tokens/${minted.id}/suspend`)).status).toBe(200);
    offset += TTL + 1;
    await expect(verifier.verify(minted.token)).rejects.toMatchObject({ code: "token_suspended" });
    expect((await post(`/v1/tokens/${minted.id}/resume`)).status).toBe(200);
    offset += TTL + 1;
    expect((await verifier.verify(minted.token)).jti).toBe(minted.id);
  });
});
