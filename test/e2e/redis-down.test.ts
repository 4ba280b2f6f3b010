/**
 * Fail closed: when Redis stops, every answer that depends on state is a 503 with Retry-After,
 * never a token reported active; when Redis comes back empty, the issuer refuses to hand out
 * status indexes of a new generation under the old one.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../src/store/redis-store.js";
import { bearer, createTestIssuer, form, uniquePrefix } from "../helpers/issuer.js";
import { type RedisProcess, startRedisServer } from "../helpers/redis-server.js";

describe("when Redis goes away", () => {
  let redis: RedisProcess | undefined;
  afterAll(async () => redis?.stop());

  it("answers 503 with Retry-After and never reports a token active", async () => {
    redis = await startRedisServer();
    // The default command timeout: a stopped Redis refuses at once, and a busy one is not down.
    const store = createRedisStore({ url: redis.url, prefix: uniquePrefix() });
    const issuer = await createTestIssuer({ store });
    const minted = await issuer.mint();
    expect((await issuer.request("/readyz")).status).toBe(200);

    await redis.stop();
    issuer.clock.advance(10); // past the keyring's refresh interval too

    const attempts: Array<[string, RequestInit | undefined]> = [
      ["/v1/introspect", form({ token: minted.token }, { authorization: issuer.clientAuth })],
      [
        "/v1/tokens",
        {
          method: "POST",
          headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
          body: JSON.stringify({ subject: "alice", name: "x", scope: ["read_api"] }),
        },
      ],
      ["/v1/tokens", { headers: bearer(minted.token) }],
      [
        `/v1/tokens/${minted.id}`,
        { method: "DELETE", headers: { authorization: issuer.clientAuth } },
      ],
      ["/v1/revoke", form({ token: minted.token })],
      ["/readyz", undefined],
      ["/.well-known/jwks.json", undefined],
    ];
    for (const [path, init] of attempts) {
      const response = await issuer.request(path, init);
      expect(`${path} ${response.status}`).toBe(`${path} 503`);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ code: "store_unavailable" });
    }
    expect((await issuer.request("/healthz")).status).toBe(200);

    // Redis comes back on the same port, empty (no persistence): the epoch is gone.
    redis = await startRedisServer(redis.port);
    await new Promise((resolve) => setTimeout(resolve, 400)); // ioredis reconnects
    const mint = await issuer.request("/v1/tokens", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: JSON.stringify({ subject: "alice", name: "x", scope: ["read_api"] }),
    });
    expect(mint.status).toBe(503);
    expect((await issuer.request("/readyz")).status).toBe(503);
    const introspect = await issuer.request(
      "/v1/introspect",
      form({ token: minted.token }, { authorization: issuer.clientAuth }),
    );
    expect(introspect.status).toBe(503);
    expect((await issuer.request("/.well-known/jwks.json")).status).toBe(503);
    await store.close();
  });
});
