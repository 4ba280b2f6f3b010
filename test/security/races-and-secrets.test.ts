/**
 * Races on real Redis (concurrent mints never share a status index or jti; after a revoke has
 * answered, no introspection says active), CORS only on public read-only endpoints, and a full
 * run whose log output holds no token, client secret, private key or KEK.
 */
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/logger.js";
import { issueToken } from "../../src/tokens/issue-token.js";
import { bearer, CLIENT, createTestIssuer, form } from "../helpers/issuer.js";

describe("races on real Redis", () => {
  it("concurrent mints never share a status index or a jti", async () => {
    const issuer = await createTestIssuer({
      store: "redis",
      env: {
        TOKENMINT_MINT_RATE_PER_SUBJECT: "100000",
        TOKENMINT_MINT_RATE_PER_CLIENT: "100000",
        TOKENMINT_MAX_TOKENS_PER_SUBJECT: "100000",
      },
    });
    const actor = { clientId: "platform", rateLimitClient: "platform", audit: "client:platform" };
    const minted = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        issueToken(issuer.ctx, { subject: `u${i % 7}`, name: "n", scope: ["read_api"] }, actor),
      ),
    );
    const refs = new Set(
      minted.map(({ stored }) => `${stored.record.status.list}#${stored.record.status.idx}`),
    );
    const ids = new Set(minted.map(({ stored }) => stored.record.id));
    expect(refs.size).toBe(300);
    expect(ids.size).toBe(300);
  });

  it("after a revoke has answered, no introspection says active", async () => {
    const issuer = await createTestIssuer({ store: "redis" });
    for (let round = 0; round < 20; round++) {
      const minted = await issuer.mint({ name: `r${round}` });
      const introspect = () =>
        issuer
          .request(
            "/v1/introspect",
            form({ token: minted.token }, { authorization: issuer.clientAuth }),
          )
          .then((r) => r.json() as Promise<{ active: boolean }>);
      const concurrent = Array.from({ length: 5 }, introspect);
      const revoked = await issuer.request("/v1/revoke", form({ token: minted.token }));
      expect(revoked.status).toBe(200);
      await Promise.all(concurrent);
      const after = await Promise.all(Array.from({ length: 5 }, introspect));
      expect(after.every((answer) => answer.active === false)).toBe(true);
    }
  });
});

describe("CORS", () => {
  it("is open only on the public read-only endpoints", async () => {
    const issuer = await createTestIssuer();
    const minted = await issuer.mint();
    const origin = { origin: "https://evil.test" };
    for (const path of [
      "/.well-known/jwks.json",
      "/.well-known/oauth-authorization-server",
      "/v1/routes",
    ]) {
      const response = await issuer.request(path, { headers: origin });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
    }
    const preflight = await issuer.request("/.well-known/jwks.json", {
      method: "OPTIONS",
      headers: { ...origin, "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,HEAD");
    const closed: Array<[string, RequestInit]> = [
      ["/v1/tokens", { headers: { ...origin, ...bearer(minted.token) } }],
      [
        "/v1/introspect",
        form({ token: minted.token }, { ...origin, authorization: issuer.clientAuth }),
      ],
      ["/v1/revoke", form({ token: "x" }, origin)],
      [
        "/v1/tokens",
        { method: "OPTIONS", headers: { ...origin, "access-control-request-method": "POST" } },
      ],
    ];
    for (const [path, init] of closed) {
      const response = await issuer.request(path, init);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

describe("secrets never reach the log", () => {
  it("a full run logs no token, client secret, private key or KEK", async () => {
    const lines: string[] = [];
    const issuer = await createTestIssuer({
      store: "redis",
      logger: createJsonLogger((line) => lines.push(line)),
    });
    const tokens: string[] = [];
    const first = await issuer.mint({ org: "acme" });
    tokens.push(first.token);
    const rotated = (await (
      await issuer.request("/v1/tokens/self/rotate", {
        method: "POST",
        headers: bearer(first.token),
      })
    ).json()) as { token: string; id: string };
    tokens.push(rotated.token);
    await issuer.request("/v1/tokens", { headers: bearer(first.token) }); // reuse detection
    const second = await issuer.mint({ name: "second" });
    tokens.push(second.token);
    await issuer.request(
      "/v1/introspect",
      form({ token: second.token }, { authorization: issuer.clientAuth }),
    );
    await issuer.request(`/v1/tokens/${second.id}/suspend`, {
      method: "POST",
      headers: { authorization: issuer.clientAuth },
    });
    await issuer.request("/v1/revoke", form({ token: second.token }));
    await issuer.request("/v1/tokens", {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${CLIENT.id}:wrong-${CLIENT.secret}`)}` },
    });
    await issuer.request("/v1/tokens", { headers: { authorization: `Bearer ${second.token}x` } });
    await issuer.request(`/v1/status-lists/${"x".repeat(3)}`);
    const everything = lines.join("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const token of tokens) {
      const jws = token.slice(6);
      expect(everything).not.toContain(jws.split(".")[1]!.slice(0, 24));
      expect(everything).not.toContain(jws.split(".")[2]!.slice(0, 24));
    }
    expect(everything).not.toContain(CLIENT.secret);
    for (const kek of issuer.config.keks) expect(everything).not.toContain(kek);
    const { keys } = await issuer.store.readKeyring();
    for (const key of keys) {
      if (key.privateJwe) expect(everything).not.toContain(key.privateJwe.slice(-40));
    }
    expect(everything).not.toMatch(/"d"\s*:/);
  });
});
