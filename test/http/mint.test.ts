import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { CLIENT, createTestIssuer, STORE_KINDS, TEST_ISSUER } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("minting on the %s store", (kind) => {
  it("answers 201 with the token once and the record, and the token verifies with the JWKS alone", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const now = issuer.clock() / 1000;
    const response = await issuer.request("/v1/tokens", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: JSON.stringify({
        subject: "alice",
        name: "ci deploy",
        description: "deploys from CI",
        scope: ["read_api", "read_project"],
        permissions: { read_project: ["gid://gitlab/Project/42"] },
        org: "acme",
        audience: ["https://api.test"],
        expires_in: 3600,
      }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown> & { token: string; id: string };
    expect(response.headers.get("location")).toBe(`${TEST_ISSUER}/v1/tokens/${body.id}`);
    expect(body).toEqual({
      id: body.id,
      token: body.token,
      name: "ci deploy",
      description: "deploys from CI",
      subject: "alice",
      scope: ["read_api", "read_project"],
      permissions: { read_project: ["gid://gitlab/Project/42"] },
      org: "acme",
      cell: "cell-eu-1",
      audience: ["https://api.test"],
      allowed_ips: null,
      client_id: CLIENT.id,
      family: body.id,
      kind: "pat",
      state: "active",
      approval: null,
      created_at: new Date(now * 1000).toISOString(),
      expires_at: new Date((now + 3600) * 1000).toISOString(),
      last_used_at: null,
      last_used_ips: [],
    });
    expect(body.token.startsWith("tmpat_")).toBe(true);

    const jwks = await (await issuer.request("/.well-known/jwks.json")).json();
    const jwt = body.token.slice("tmpat_".length);
    const header = decodeProtectedHeader(jwt);
    expect(header).toEqual({ alg: "ES256", kid: header.kid, typ: "at+jwt" });
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      issuer: TEST_ISSUER,
      audience: "https://api.test",
      algorithms: ["ES256"],
      typ: "at+jwt",
      currentDate: new Date(issuer.clock()),
    });
    const listId = (payload.status as { status_list: { uri: string } }).status_list.uri
      .split("/")
      .pop();
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      sub: "alice",
      aud: ["https://api.test"],
      client_id: CLIENT.id,
      iat: now,
      nbf: now,
      exp: now + 3600,
      jti: body.id,
      scope: "read_api read_project",
      permissions: { read_project: ["gid://gitlab/Project/42"] },
      org: "acme",
      cell: "cell-eu-1",
      fam: body.id,
      kind: "pat",
      status: { status_list: { idx: 0, uri: `${TEST_ISSUER}/v1/status-lists/${listId}` } },
    });
    const stored = await issuer.store.getToken(body.id);
    expect(stored?.record.sub).toBe("alice");
    expect(JSON.stringify(stored)).not.toContain(jwt.split(".")[2]);
  });
});
