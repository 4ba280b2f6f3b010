/**
 * Token kinds through HTTP on the memory store and on Redis: each kind's prefix, claim, scopes and
 * lifetimes; the kind in the record, list, show, introspection, audit and metrics; per-org kinds;
 * bearer authentication by every configured prefix (and only those, matching the claim); the
 * self-service rule; rotation keeping the kind; and tokens without a `kind` claim as `pat`.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signJwt } from "../../src/keys/sign-jwt.js";
import { claimsFor } from "../../src/tokens/issue-token.js";
import { sweepUnusedTokens } from "../../src/tokens/unused-tokens.js";
import {
  bearer,
  createTestIssuer,
  form,
  STORE_KINDS,
  type StoreKind,
  type TestIssuer,
} from "../helpers/issuer.js";
import { EXAMPLE_KINDS } from "../helpers/token-kinds.js";

const KINDS = EXAMPLE_KINDS;

/** A secret scanner's key pair: the public half is configured, the private half signs reports. */
const SCANNER = (() => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey, entry: { key_identifier: "k1", key, is_current: true } };
})();

const PREFIXES: Record<string, string> = {
  pat: "tmpat_",
  deploy: "tmdt_",
  job: "tmjob_",
  service: "tmsa_",
};

function issuerWithKinds(store: StoreKind, env: Record<string, string> = {}) {
  return createTestIssuer({
    store,
    env: {
      TOKENMINT_TOKEN_KINDS: JSON.stringify(KINDS),
      TOKENMINT_ORG_POLICIES: JSON.stringify({ acme: { kinds: ["pat", "deploy"] } }),
      TOKENMINT_SECRET_SCANNING_KEYS: JSON.stringify({ public_keys: [SCANNER.entry] }),
      TOKENMINT_METRICS: "true",
      ...env,
    },
  });
}

async function post(issuer: TestIssuer, path: string, auth: string, body: unknown) {
  const response = await issuer.request(path, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function claimsOf(token: string, kind: string): Record<string, unknown> {
  return decodeJwt(token.slice((PREFIXES[kind] as string).length));
}

describe.each(STORE_KINDS)("token kinds on the %s store", (store) => {
  it("mints each kind with its prefix and claim, and shows the kind everywhere", async () => {
    const issuer = await issuerWithKinds(store);
    const minted: Record<string, { id: string; token: string }> = {};
    for (const [kind, scope] of [
      ["pat", ["read_api", "manage_tokens"]],
      ["deploy", ["read_repository"]],
      ["job", ["read_api"]],
      ["service", ["read_api"]],
    ] as const) {
      const answer = await issuer.mint({ name: kind, kind, scope, expires_in: 3600 });
      expect(answer.token.startsWith(PREFIXES[kind] as string)).toBe(true);
      expect(answer.kind).toBe(kind);
      expect(claimsOf(answer.token, kind).kind).toBe(kind);
      minted[kind] = answer;
    }
    // No kind named: pat.
    const plain = await issuer.mint({ name: "plain" });
    expect(plain.kind).toBe("pat");
    expect(plain.token.startsWith("tmpat_")).toBe(true);

    const deploy = minted.deploy as { id: string; token: string };
    const shown = await issuer.request(`/v1/tokens/${deploy.id}`, {
      headers: { authorization: issuer.clientAuth },
    });
    expect(((await shown.json()) as { kind: string }).kind).toBe("deploy");
    const list = await issuer.request("/v1/tokens?subject=alice", {
      headers: { authorization: issuer.clientAuth },
    });
    const listed = ((await list.json()) as { tokens: { name: string; kind: string }[] }).tokens;
    expect(Object.fromEntries(listed.map((token) => [token.name, token.kind]))).toEqual({
      pat: "pat",
      deploy: "deploy",
      job: "job",
      service: "service",
      plain: "pat",
    });
    const introspected = await issuer.request(
      "/v1/introspect",
      form({ token: deploy.token }, { authorization: issuer.clientAuth }),
    );
    expect(await introspected.json()).toMatchObject({ active: true, kind: "deploy" });

    const audit = await issuer.request("/v1/audit?type=token.minted", {
      headers: { authorization: issuer.clientAuth },
    });
    const events = ((await audit.json()) as { events: { jti: string; detail: unknown }[] }).events;
    expect(events.find((event) => event.jti === deploy.id)?.detail).toMatchObject({
      kind: "deploy",
    });

    const metrics = await (await issuer.request("/metrics")).text();
    expect(metrics).toContain('tokenmint_tokens_minted_total{reason="mint",kind="deploy"} 1');
    expect(metrics).toContain('tokenmint_tokens_minted_total{reason="mint",kind="pat"} 2');

    const metadata = (await (
      await issuer.request("/.well-known/oauth-authorization-server")
    ).json()) as Record<string, unknown>;
    expect(metadata.tokenmint_token_prefixes).toEqual(PREFIXES);
    expect(metadata.tokenmint_token_prefix).toBe("tmpat_");
    expect(metadata.tokenmint_token_kinds).toMatchObject({
      deploy: { prefix: "tmdt_", scopes: ["read_repository", "read_registry"], self_service: true },
      job: { prefix: "tmjob_", self_service: false },
    });
  });

  it("holds each kind to its scopes, lifetimes and the org's kinds, and changes nothing when refusing", async () => {
    const issuer = await issuerWithKinds(store);
    const refusals: [Record<string, unknown>, number, string][] = [
      [{ kind: "robot", scope: ["read_api"] }, 400, "invalid_kind"],
      [{ kind: "deploy", scope: ["read_api"] }, 400, "invalid_scope"],
      [
        { kind: "deploy", scope: ["read_repository"], expires_in: 91 * 86400 },
        400,
        "invalid_expiry",
      ],
      [{ kind: "job", scope: ["read_api"], expires_in: 3 * 3600 }, 400, "invalid_expiry"],
      [{ kind: "pat", scope: ["read_api"], expires_at: null }, 400, "invalid_expiry"],
      [{ kind: "job", scope: ["read_api"], org: "acme", expires_in: 3600 }, 400, "invalid_kind"],
      [{ kind: "Bad-Name", scope: ["read_api"] }, 400, "invalid_request"],
    ];
    for (const [body, status, code] of refusals) {
      const answer = await post(issuer, "/v1/tokens", issuer.clientAuth, {
        subject: "bob",
        name: "x",
        ...body,
      });
      expect([answer.status, answer.body.code]).toEqual([status, code]);
    }
    expect(await issuer.store.listTokens("bob")).toEqual([]);

    const job = await issuer.mint({ subject: "bob", kind: "job", scope: ["read_api"] });
    // The job kind's 2 h maximum caps the global 30 d default.
    expect(Date.parse(job.expires_at as string) - issuer.clock()).toBe(2 * 3600 * 1000);
    const forever = await issuer.mint({
      subject: "bob",
      kind: "service",
      scope: ["read_api"],
      expires_at: null,
    });
    expect(forever.expires_at).toBeNull();
    const inAcme = await issuer.mint({
      subject: "bob",
      kind: "deploy",
      scope: ["read_registry"],
      org: "acme",
    });
    expect(inAcme.kind).toBe("deploy");
    // A non-expiring service token authenticates (the kind allows what the global policy does not).
    const self = await issuer.request("/v1/tokens/self", { headers: bearer(forever.token) });
    expect(self.status).toBe(200);
  });

  it("accepts every configured prefix on bearer endpoints, and only one that matches the kind claim", async () => {
    const issuer = await issuerWithKinds(store);
    for (const kind of ["pat", "deploy", "job", "service"]) {
      const scope = kind === "deploy" ? ["read_repository"] : ["read_api"];
      const { token } = await issuer.mint({ name: kind, kind, scope, expires_in: 3600 });
      const self = await issuer.request("/v1/tokens/self", { headers: bearer(token) });
      expect([kind, self.status]).toEqual([kind, 200]);
      const jws = token.slice((PREFIXES[kind] as string).length);
      for (const [other, prefix] of Object.entries(PREFIXES)) {
        if (other === kind) continue;
        const swapped = await issuer.request("/v1/tokens/self", {
          headers: bearer(`${prefix}${jws}`),
        });
        expect([kind, other, swapped.status]).toEqual([kind, other, 401]);
        const introspected = await issuer.request(
          "/v1/introspect",
          form({ token: `${prefix}${jws}` }, { authorization: issuer.clientAuth }),
        );
        expect(await introspected.json()).toEqual({ active: false });
      }
      for (const wrong of [jws, `ghp_${jws}`]) {
        const refused = await issuer.request("/v1/tokens/self", { headers: bearer(wrong) });
        expect(refused.status).toBe(401);
      }
    }
  });

  it("lets a bearer caller mint self-service kinds only, its own kind by default", async () => {
    const issuer = await issuerWithKinds(store);
    const parent = await issuer.mint({
      subject: "carol",
      scope: ["read_api", "read_repository", "manage_tokens"],
      expires_in: 86400,
    });
    const child = await post(issuer, "/v1/tokens", `Bearer ${parent.token}`, {
      name: "child",
      scope: ["read_api"],
    });
    expect([child.status, child.body.kind]).toEqual([201, "pat"]);
    const deploy = await post(issuer, "/v1/tokens", `Bearer ${parent.token}`, {
      name: "deploy",
      kind: "deploy",
      scope: ["read_repository"],
    });
    expect([deploy.status, deploy.body.kind]).toEqual([201, "deploy"]);
    expect(String(deploy.body.token).startsWith("tmdt_")).toBe(true);
    const job = await post(issuer, "/v1/tokens", `Bearer ${parent.token}`, {
      name: "job",
      kind: "job",
      scope: ["read_api"],
    });
    expect([job.status, job.body.code]).toEqual([403, "kind_not_self_service"]);

    // A token of a platform-only kind never mints, whatever kind it asks for.
    const jobToken = await issuer.mint({
      subject: "carol",
      kind: "job",
      scope: ["read_api", "manage_tokens"],
    });
    for (const kind of [undefined, "pat"]) {
      const answer = await post(issuer, "/v1/tokens", `Bearer ${jobToken.token}`, {
        name: "escape",
        scope: ["read_api"],
        ...(kind === undefined ? {} : { kind }),
      });
      expect([answer.status, answer.body.code]).toEqual([
        403,
        kind === undefined ? "kind_not_self_service" : "wider_than_parent",
      ]);
    }
    // Nor may a pat re-issue (rotate) a job token of its subject.
    const rotated = await post(
      issuer,
      `/v1/tokens/${jobToken.id}/rotate`,
      `Bearer ${parent.token}`,
      {},
    );
    expect([rotated.status, rotated.body.code]).toEqual([403, "wider_than_caller"]);
    expect(
      (await issuer.store.listTokens("carol")).map((token) => token.record.kind).sort(),
    ).toEqual(["deploy", "job", "pat", "pat"]);
  });

  it("keeps the kind through a rotation and a rotating PATCH", async () => {
    const issuer = await issuerWithKinds(store);
    const deploy = await issuer.mint({
      kind: "deploy",
      scope: ["read_repository", "read_registry"],
      expires_in: 3600,
    });
    const rotated = await post(issuer, `/v1/tokens/${deploy.id}/rotate`, issuer.clientAuth, {});
    expect(rotated.status).toBe(201);
    expect(rotated.body.kind).toBe("deploy");
    expect(String(rotated.body.token).startsWith("tmdt_")).toBe(true);
    expect(claimsOf(String(rotated.body.token), "deploy").kind).toBe("deploy");
    const patched = await issuer.request(`/v1/tokens/${rotated.body.id}`, {
      method: "PATCH",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: JSON.stringify({ scope: ["read_registry"] }),
    });
    const body = (await patched.json()) as { rotated: boolean; kind: string; token: string };
    expect([patched.status, body.rotated, body.kind]).toEqual([201, true, "deploy"]);
    expect(body.token.startsWith("tmdt_")).toBe(true);
  });

  it("revokes a leaked token of any kind reported by a secret scanner, naming its kind", async () => {
    const issuer = await issuerWithKinds(store);
    const deploy = await issuer.mint({ kind: "deploy", scope: ["read_registry"] });
    const body = JSON.stringify([
      {
        token: deploy.token,
        type: "tokenmint_deploy",
        url: "https://example.test/x",
        source: "content",
      },
    ]);
    const answer = await issuer.request("/v1/secret-scanning", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "github-public-key-identifier": "k1",
        "github-public-key-signature": sign(
          "sha256",
          Buffer.from(body),
          SCANNER.privateKey,
        ).toString("base64"),
      },
      body,
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { label: string }[])[0]?.label).toBe("true_positive");
    expect((await issuer.store.getToken(deploy.id))?.state).toBe("revoked");
    const audit = await issuer.request("/v1/audit?type=token.leaked", {
      headers: { authorization: issuer.clientAuth },
    });
    const events = ((await audit.json()) as { events: { jti: string; detail: unknown }[] }).events;
    expect(events.find((event) => event.jti === deploy.id)?.detail).toMatchObject({
      kind: "deploy",
      type: "tokenmint_deploy",
    });
  });

  it("records no use of a kind that does not track it", async () => {
    const issuer = await issuerWithKinds(store);
    const job = await issuer.mint({ kind: "job", scope: ["read_api"] });
    const pat = await issuer.mint({ scope: ["read_api"] });
    for (const token of [job.token, pat.token]) {
      expect((await issuer.request("/v1/tokens/self", { headers: bearer(token) })).status).toBe(
        200,
      );
    }
    const reported = await post(issuer, "/v1/usage", issuer.clientAuth, {
      events: [{ jti: job.id, at: Math.floor(issuer.clock() / 1000), ip: "203.0.113.9" }],
    });
    expect(reported.status).toBe(200);
    expect((await issuer.store.getToken(job.id))?.lastUsedAt).toBeNull();
    expect((await issuer.store.getToken(pat.id))?.lastUsedAt).not.toBeNull();
  });

  it("takes a token without a kind claim (minted before kinds) as pat", async () => {
    const issuer = await issuerWithKinds(store);
    const minted = await issuer.mint({ scope: ["read_api", "manage_tokens"], expires_in: 3600 });
    const stored = await issuer.store.getToken(minted.id);
    if (!stored) throw new Error("no record");
    const { kind: _kind, ...claims } = claimsFor(stored.record, issuer.config.issuer);
    const signing = await issuer.ctx.keyring.signingKey({ exp: stored.record.exp });
    const old = `tmpat_${await signJwt(signing, "at+jwt", claims)}`;
    expect(decodeJwt(old.slice(6)).kind).toBeUndefined();
    const self = await issuer.request("/v1/tokens/self", { headers: bearer(old) });
    expect([self.status, ((await self.json()) as { kind: string }).kind]).toEqual([200, "pat"]);
    const introspected = await issuer.request(
      "/v1/introspect",
      form({ token: old }, { authorization: issuer.clientAuth }),
    );
    expect(await introspected.json()).toMatchObject({ active: true, kind: "pat" });
    // The same claims under another kind's prefix are refused: no claim means pat.
    const disguised = await issuer.request("/v1/tokens/self", {
      headers: bearer(`tmsa_${old.slice(6)}`),
    });
    expect(disguised.status).toBe(401);
  });
});

describe("without TOKENMINT_TOKEN_KINDS", () => {
  it("has the one kind pat with TOKENMINT_TOKEN_PREFIX, as before", async () => {
    const issuer = await createTestIssuer({ env: { TOKENMINT_TOKEN_PREFIX: "acme_" } });
    const minted = await issuer.mint({ scope: ["read_api"] });
    expect(minted.token.startsWith("acme_")).toBe(true);
    expect(minted.kind).toBe("pat");
    const metadata = (await (
      await issuer.request("/.well-known/oauth-authorization-server")
    ).json()) as Record<string, unknown>;
    expect(metadata.tokenmint_token_prefixes).toEqual({ pat: "acme_" });
    const deploy = await post(issuer, "/v1/tokens", issuer.clientAuth, {
      subject: "alice",
      name: "x",
      scope: ["read_api"],
      kind: "deploy",
    });
    expect([deploy.status, deploy.body.code]).toEqual([400, "invalid_kind"]);
  });
});

describe.each(STORE_KINDS)("token kinds and the sweeps on the %s store", (store) => {
  it("leaves tokens of a kind that records no use to unused-token cleanup", async () => {
    const issuer = await issuerWithKinds(store, {
      TOKENMINT_TOKEN_KINDS: JSON.stringify({
        pat: { prefix: "tmpat_" },
        robot: { prefix: "tmbot_", track_usage: false },
      }),
      TOKENMINT_ORG_POLICIES: "{}",
      TOKENMINT_REVOKE_UNUSED_AFTER: "10d",
      TOKENMINT_EXPIRY_NOTICES: "1d",
    });
    const robot = await issuer.mint({ name: "robot", kind: "robot", scope: ["read_api"] });
    const pat = await issuer.mint({ name: "pat", scope: ["read_api"] });
    issuer.clock.advance(10 * 86400 + 60);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 1 });
    const active = async (token: string) => {
      const answer = await issuer.request(
        "/v1/introspect",
        form({ token }, { authorization: issuer.clientAuth }),
      );
      return ((await answer.json()) as { active: boolean }).active;
    };
    expect([await active(robot.token), await active(pat.token)]).toEqual([true, false]);
  });
});
