import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { bearer, createTestIssuer, form, STORE_KINDS, TEST_ISSUER } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("introspection and revocation on the %s store", (kind) => {
  it("introspects a live token as active with its claims, and records its use", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint({ org: "globex", expires_in: 7200 });
    const now = issuer.clock() / 1000;
    const response = await issuer.request(
      "/v1/introspect",
      form({ token: minted.token }, { authorization: issuer.clientAuth }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      active: true,
      token_type: "Bearer",
      iss: TEST_ISSUER,
      sub: "alice",
      aud: ["https://api.test", "https://registry.test"],
      client_id: "platform",
      iat: now,
      nbf: now,
      exp: now + 7200,
      jti: minted.id,
      scope: "read_api manage_tokens",
      org: "globex",
      cell: "cell-us-2",
      fam: minted.id,
      kind: "pat",
      status: body.status,
    });
    expect((await issuer.store.getToken(minted.id))?.lastUsedAt).toBe(now);
  });

  it("introspects revoked, expired, forged and unknown tokens as inactive", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const revoked = await issuer.mint();
    await issuer.request("/v1/tokens/self", { method: "DELETE", headers: bearer(revoked.token) });
    const expiring = await issuer.mint({ expires_in: 300 });
    const live = await issuer.mint();
    const [header, payload] = live.token.slice(6).split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, "base64url").toString()),
        sub: "mallory",
      }),
    ).toString("base64url");
    const { privateKey } = await generateKeyPair("ES256");
    const foreign = await new SignJWT({ sub: "alice", jti: live.id })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "nope" })
      .setIssuer(TEST_ISSUER)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
    issuer.clock.advance(301);
    const inactive = [
      revoked.token,
      expiring.token,
      `tmpat_${header}.${forgedPayload}.${live.token.split(".")[2]}`,
      `tmpat_${foreign}`,
      "tmpat_not-a-token",
      live.token.slice(6),
      "",
    ];
    for (const token of inactive) {
      const response = await issuer.request(
        "/v1/introspect",
        form({ token: token || "x" }, { authorization: issuer.clientAuth }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ active: false });
    }
    const stillLive = await issuer.request(
      "/v1/introspect",
      form({ token: live.token }, { authorization: issuer.clientAuth }),
    );
    expect(await stillLive.json()).toMatchObject({ active: true });
  });

  it("requires service-client authentication and a token parameter to introspect", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint();
    const anonymous = await issuer.request("/v1/introspect", form({ token: minted.token }));
    expect(anonymous.status).toBe(401);
    const asUser = await issuer.request(
      "/v1/introspect",
      form({ token: minted.token }, bearer(minted.token)),
    );
    expect(asUser.status).toBe(401);
    const missing = await issuer.request(
      "/v1/introspect",
      form({}, { authorization: issuer.clientAuth }),
    );
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: "invalid_request" });
    const json = await issuer.request("/v1/introspect", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: JSON.stringify({ token: minted.token }),
    });
    expect(json.status).toBe(415);
  });

  it("revokes by presenting the token (RFC 7009), and answers 200 for unknown tokens", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint();
    const response = await issuer.request("/v1/revoke", form({ token: minted.token }));
    expect(response.status).toBe(200);
    expect((await issuer.store.getToken(minted.id))?.state).toBe("revoked");
    const again = await issuer.request("/v1/revoke", form({ token: minted.token }));
    expect(again.status).toBe(200);
    const unknown = await issuer.request(
      "/v1/revoke",
      form({ token: "tmpat_a.b.c", token_type_hint: "access_token" }),
    );
    expect(unknown.status).toBe(200);
    const introspected = await issuer.request(
      "/v1/introspect",
      form({ token: minted.token }, { authorization: issuer.clientAuth }),
    );
    expect(await introspected.json()).toEqual({ active: false });
    const missing = await issuer.request("/v1/revoke", form({}));
    expect(missing.status).toBe(400);
  });

  it("revokes an expired token that is presented (a leaked old token is still worth killing)", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint({ expires_in: 300 });
    issuer.clock.advance(600);
    expect((await issuer.request("/v1/revoke", form({ token: minted.token }))).status).toBe(200);
    expect((await issuer.store.getToken(minted.id))?.state).toBe("revoked");
  });
});
