/**
 * Organization approval through HTTP, on the memory store and on Redis: a token of an org whose
 * policy says `require_approval` is answered 201 but starts `pending` (status suspended, refused
 * by introspection, Bearer authentication and the published status list) until a service client
 * approves it; deny revokes it; nothing else (resume, rotation, update, a bearer caller) activates
 * a pending token.
 */
import { decompressStatusList, readStatus } from "@tokenmint/verifier/status";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  bearer,
  callJson,
  createTestIssuer,
  form,
  type MintAnswer,
  STORE_KINDS,
  type TestIssuer,
} from "../helpers/issuer.js";

const POLICIES = JSON.stringify({ acme: { require_approval: true, max_lifetime: "30d" } });
const ORIGIN = "https://issuer.test";

async function approvalIssuer(
  kind: (typeof STORE_KINDS)[number],
  env: Record<string, string> = {},
) {
  return createTestIssuer({ store: kind, env: { TOKENMINT_ORG_POLICIES: POLICIES, ...env } });
}

type Json = Record<string, unknown>;

function call(issuer: TestIssuer, method: string, path: string, auth: string, body?: unknown) {
  return callJson((at, init) => issuer.request(at, init), method, path, auth, body);
}

async function introspect(issuer: TestIssuer, token: string): Promise<Json> {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return (await response.json()) as Json;
}

/** The token's entry in the published status list, as a downstream verifier reads it. */
async function publishedStatus(issuer: TestIssuer, token: string): Promise<number> {
  const claims = decodeJwt(token.slice("tmpat_".length)) as {
    status: { status_list: { idx: number; uri: string } };
  };
  const { idx, uri } = claims.status.status_list;
  const response = await issuer.request(new URL(uri).pathname);
  const list = decodeJwt(await response.text()) as { status_list: { lst: string } };
  return readStatus(await decompressStatusList(list.status_list.lst), 2, idx);
}

async function auditOf(issuer: TestIssuer, jti: string) {
  const answer = await call(issuer, "GET", "/v1/audit?limit=500", issuer.clientAuth);
  const events = answer.body.events as Array<{
    type: string;
    jti?: string;
    reason?: string;
    detail?: Json;
  }>;
  return events.filter((event) => event.jti === jti).reverse();
}

describe.each(STORE_KINDS)("organization approval on the %s store", (kind) => {
  it("mints pending: 201 with the secret, but refused everywhere until a service client approves", async () => {
    const issuer = await approvalIssuer(kind);
    const pending = await issuer.mint({ org: "acme", name: "deploy" });
    expect(pending.token).toMatch(/^tmpat_/);
    expect(pending).toMatchObject({
      state: "pending",
      org: "acme",
      approval: { status: "pending", decided_at: null, decided_by: null, reason: null },
    });
    expect(await publishedStatus(issuer, pending.token)).toBe(2);
    expect(await introspect(issuer, pending.token)).toEqual({ active: false });
    const self = await call(issuer, "GET", "/v1/tokens/self", bearer(pending.token).authorization);
    expect(self.status).toBe(401);
    expect(self.body.detail).toBe("The token is waiting for its organization's approval");
    const child = await call(issuer, "POST", "/v1/tokens", bearer(pending.token).authorization, {
      name: "child",
      scope: ["read_api"],
    });
    expect(child.status).toBe(401);

    const queue = await call(issuer, "GET", "/v1/tokens?org=acme&state=pending", issuer.clientAuth);
    expect(queue.status).toBe(200);
    expect((queue.body.tokens as Json[]).map((t) => t.id)).toEqual([pending.id]);
    const activeInAcme = await call(
      issuer,
      "GET",
      "/v1/tokens?org=acme&state=active",
      issuer.clientAuth,
    );
    expect(activeInAcme.body.tokens).toEqual([]);

    const approved = await call(
      issuer,
      "POST",
      `/v1/tokens/${pending.id}/approve`,
      issuer.clientAuth,
      { reason: "ticket OPS-42" },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      id: pending.id,
      state: "active",
      approval: { status: "approved", decided_by: "client:platform", reason: "ticket OPS-42" },
    });
    expect(await introspect(issuer, pending.token)).toMatchObject({ active: true, org: "acme" });
    expect(await publishedStatus(issuer, pending.token)).toBe(0);
    expect(
      (await call(issuer, "GET", "/v1/tokens/self", bearer(pending.token).authorization)).status,
    ).toBe(200);
    const shown = await call(issuer, "GET", `/v1/tokens/${pending.id}`, issuer.clientAuth);
    expect(shown.body.approval).toMatchObject({ status: "approved", reason: "ticket OPS-42" });
    expect(
      (await call(issuer, "GET", "/v1/tokens?org=acme&state=pending", issuer.clientAuth)).body
        .tokens,
    ).toEqual([]);

    const again = await call(issuer, "POST", `/v1/tokens/${pending.id}/approve`, issuer.clientAuth);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("token_not_pending");

    const events = await auditOf(issuer, pending.id);
    expect(events.map((e) => e.type)).toEqual(["token.minted", "token.approved"]);
    expect(events[0]?.detail).toMatchObject({ state: "pending" });
    expect(events[1]?.reason).toBe("ticket OPS-42");
  });

  it("keeps a pending token refused by a verifier's copy of its status list taken before the mint", async () => {
    const issuer = await approvalIssuer(kind);
    const first = await issuer.mint({ org: "acme", name: "first" });
    const claimsOf = (token: string) =>
      (
        decodeJwt(token.slice("tmpat_".length)) as {
          status: { status_list: { idx: number; uri: string } };
        }
      ).status.status_list;
    const before = await issuer.request(new URL(claimsOf(first.token).uri).pathname);
    const copy = decodeJwt(await before.text()) as { status_list: { lst: string } };
    const second = await issuer.mint({ org: "acme", name: "second" });
    expect(claimsOf(second.token).uri).toBe(claimsOf(first.token).uri);
    const stale = await decompressStatusList(copy.status_list.lst);
    expect(readStatus(stale, 2, claimsOf(second.token).idx)).toBe(2);
    // Active tokens keep their own lists, whose fresh entries are valid.
    const active = await issuer.mint({ org: "globex" });
    expect(claimsOf(active.token).uri).not.toBe(claimsOf(first.token).uri);
    expect(await publishedStatus(issuer, active.token)).toBe(0);
  });

  it("denies: the pending token is revoked with its reason; only a pending token can be decided", async () => {
    const issuer = await approvalIssuer(kind);
    const pending = await issuer.mint({ org: "acme" });
    const denied = await call(issuer, "POST", `/v1/tokens/${pending.id}/deny`, issuer.clientAuth, {
      reason: "use the shared deploy token",
    });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({
      state: "revoked",
      approval: { status: "denied", reason: "use the shared deploy token" },
    });
    expect(await publishedStatus(issuer, pending.token)).toBe(1);
    expect(await introspect(issuer, pending.token)).toEqual({ active: false });
    for (const action of ["approve", "deny"]) {
      const late = await call(
        issuer,
        "POST",
        `/v1/tokens/${pending.id}/${action}`,
        issuer.clientAuth,
      );
      expect(late.status).toBe(409);
      expect(late.body.code).toBe("token_not_pending");
    }
    const events = await auditOf(issuer, pending.id);
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ["token.minted", "mint"],
      ["token.denied", "use the shared deploy token"],
    ]);

    // A token of an org without the policy is active at once and cannot be "approved".
    const plain = await issuer.mint({ org: "globex" });
    expect(plain).toMatchObject({ state: "active", approval: null });
    const approve = await call(issuer, "POST", `/v1/tokens/${plain.id}/approve`, issuer.clientAuth);
    expect(approve.status).toBe(409);
    const bad = await call(issuer, "POST", `/v1/tokens/${plain.id}/approve`, issuer.clientAuth, {
      reason: "",
      extra: true,
    });
    expect(bad.status).toBe(400);
  });

  it("takes approved: true from service clients only; a bearer caller's children are pending", async () => {
    const issuer = await approvalIssuer(kind);
    const parent = await issuer.mint({ org: "acme", approved: true, expires_in: 86400 });
    expect(parent).toMatchObject({ state: "active", approval: null });
    expect(await introspect(issuer, parent.token)).toMatchObject({ active: true });

    const auth = bearer(parent.token).authorization;
    for (const approved of [true, false]) {
      const refused = await call(issuer, "POST", "/v1/tokens", auth, {
        name: "child",
        scope: ["read_api"],
        approved,
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe("client_required");
    }
    const child = await call(issuer, "POST", "/v1/tokens", auth, {
      name: "child",
      scope: ["read_api"],
    });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({ state: "pending", org: "acme" });
    const childId = child.body.id as string;
    expect(await introspect(issuer, child.body.token as string)).toEqual({ active: false });

    for (const action of ["approve", "deny"]) {
      const own = await call(issuer, "POST", `/v1/tokens/${childId}/${action}`, auth);
      expect(own.status).toBe(403);
      expect(own.body.code).toBe("client_required");
    }
    // A listing by the bearer caller shows the pending child; the org filter is the caller's own.
    const mine = await call(issuer, "GET", "/v1/tokens?state=pending", auth);
    expect((mine.body.tokens as Json[]).map((t) => t.id)).toEqual([childId]);
    expect((await call(issuer, "GET", `/v1/tokens/${childId}`, issuer.clientAuth)).body.state).toBe(
      "pending",
    );
  });

  it("never activates a pending token by resume, suspend, rotation or update", async () => {
    const issuer = await approvalIssuer(kind);
    const pending = await issuer.mint({ org: "acme", expires_in: 3600 });
    const client = issuer.clientAuth;
    const attempts: Array<[string, string, unknown, number, string]> = [
      ["POST", `/v1/tokens/${pending.id}/resume`, undefined, 409, "invalid_state"],
      ["POST", `/v1/tokens/${pending.id}/suspend`, undefined, 409, "invalid_state"],
      ["POST", `/v1/tokens/${pending.id}/resume`, undefined, 409, "invalid_state"],
      ["POST", `/v1/tokens/${pending.id}/rotate`, undefined, 409, "token_not_active"],
      ["PATCH", `/v1/tokens/${pending.id}`, { scope: ["read_api"] }, 409, "token_not_active"],
      ["PATCH", `/v1/tokens/${pending.id}`, { expires_in: 600 }, 409, "token_not_active"],
    ];
    for (const [method, path, body, status, code] of attempts) {
      const answer = await call(issuer, method, path, client, body);
      expect(answer.status, `${method} ${path}`).toBe(status);
      expect(answer.body.code).toBe(code);
      expect(answer.body).not.toHaveProperty("token");
    }
    const renamed = await call(issuer, "PATCH", `/v1/tokens/${pending.id}`, client, {
      name: "renamed",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ rotated: false, name: "renamed", state: "pending" });
    expect(await introspect(issuer, pending.token)).toEqual({ active: false });
    expect(await publishedStatus(issuer, pending.token)).toBe(2);
    expect((await auditOf(issuer, pending.id)).map((e) => e.type)).toEqual([
      "token.minted",
      "token.updated",
    ]);

    // Once approved, a rotation within the approved power stays approved; a wider one waits again.
    await call(issuer, "POST", `/v1/tokens/${pending.id}/approve`, client);
    const rotated = await call(issuer, "POST", `/v1/tokens/${pending.id}/rotate`, client);
    expect(rotated.status).toBe(201);
    expect(rotated.body.state).toBe("active");
    expect(await introspect(issuer, rotated.body.token as string)).toMatchObject({ active: true });
    const self = await call(
      issuer,
      "POST",
      "/v1/tokens/self/rotate",
      bearer(rotated.body.token as string).authorization,
    );
    expect(self.status).toBe(201);
    expect(self.body.state).toBe("active");
    const widened = await call(issuer, "PATCH", `/v1/tokens/${self.body.id}`, client, {
      scope: ["read_api", "manage_tokens", "read_project"],
    });
    expect(widened.status).toBe(201);
    expect(widened.body).toMatchObject({ rotated: true, state: "pending" });
    expect(await introspect(issuer, widened.body.token as string)).toEqual({ active: false });
  });

  it("lets a pending token that nobody decides expire as usual, and lists by org or subject only", async () => {
    const issuer = await approvalIssuer(kind);
    const pending = await issuer.mint({ org: "acme", expires_in: 600 });
    issuer.clock.advance(601);
    expect(await introspect(issuer, pending.token)).toEqual({ active: false });
    // Too late to approve: an approval would report a token active that can never work.
    const late = await call(issuer, "POST", `/v1/tokens/${pending.id}/approve`, issuer.clientAuth);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("token_not_pending");
    const listed = await call(
      issuer,
      "GET",
      "/v1/tokens?subject=alice&state=pending",
      issuer.clientAuth,
    );
    expect((listed.body.tokens as Json[]).map((t) => t.id)).toEqual([pending.id]);

    const neither = await call(issuer, "GET", "/v1/tokens?state=pending", issuer.clientAuth);
    expect(neither.status).toBe(400);
    const badState = await call(
      issuer,
      "GET",
      "/v1/tokens?org=acme&state=waiting",
      issuer.clientAuth,
    );
    expect(badState.status).toBe(400);
    expect(badState.body.errors).toEqual([{ path: "state", message: "has an invalid value" }]);
  });

  it("counts pending mints and decisions in the metrics", async () => {
    const issuer = await approvalIssuer(kind, { TOKENMINT_METRICS: "true" });
    const first = await issuer.mint({ org: "acme" });
    const second = await issuer.mint({ org: "acme", name: "second" });
    await call(issuer, "POST", `/v1/tokens/${first.id}/approve`, issuer.clientAuth);
    await call(issuer, "POST", `/v1/tokens/${second.id}/deny`, issuer.clientAuth);
    const text = await (await issuer.request("/metrics")).text();
    const sample = (name: string) => text.split("\n").find((line) => line.startsWith(`${name} `));
    expect(sample('tokenmint_token_state_changes_total{state="pending",reason="mint"}')).toMatch(
      / 2$/,
    );
    expect(sample('tokenmint_token_state_changes_total{state="active",reason="approved"}')).toMatch(
      / 1$/,
    );
    expect(sample('tokenmint_token_state_changes_total{state="revoked",reason="denied"}')).toMatch(
      / 1$/,
    );
  });

  it("shows pending tokens on the page with why they do not work, and the decision once made", async () => {
    const issuer = await approvalIssuer(kind);
    const manager = await issuer.mint({
      org: "acme",
      approved: true,
      scope: ["read_api", "manage_tokens"],
      expires_in: 10 * 86400,
    });
    const expiresOn = new Date(issuer.clock() + 2 * 86400_000).toISOString().slice(0, 10);
    const post = (path: string, fields: Record<string, string>, cookie = "") =>
      issuer.request(`${ORIGIN}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: ORIGIN,
          ...(cookie ? { cookie } : {}),
        },
        body: new URLSearchParams(fields),
      });
    const signIn = await post("/ui/sign-in", { token: manager.token });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const page = async () => (await issuer.request(`${ORIGIN}/ui`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page())?.[1] ?? "";
    const created = await post(
      "/ui/tokens",
      { csrf, name: "from the page", scope: "read_api", expires_on: expiresOn },
      cookie,
    );
    expect(created.status).toBe(200);
    const shownOnce = await created.text();
    expect(shownOnce).toContain('id="pending-banner"');
    expect(shownOnce).toContain("the owners of acme");

    const listed = await page();
    expect(listed).toMatch(/data-state="pending"/);
    expect(listed).toContain(
      "Waiting for approval by the owners of acme; it does not work until approved.",
    );
    const queue = await call(issuer, "GET", "/v1/tokens?org=acme&state=pending", issuer.clientAuth);
    const [waiting] = queue.body.tokens as MintAnswer[];
    await call(issuer, "POST", `/v1/tokens/${waiting?.id}/deny`, issuer.clientAuth, {
      reason: "ask in #platform",
    });
    const all = await (
      await issuer.request(`${ORIGIN}/ui?show=all`, { headers: { cookie } })
    ).text();
    expect(all).toContain("Denied by client:platform: ask in #platform.");

    // A pending token cannot sign in to the page, and the page says why.
    const other = await issuer.mint({ org: "acme", name: "waits", scope: ["manage_tokens"] });
    const refused = await post("/ui/sign-in", { token: other.token });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("waiting for its organization&#39;s approval");
  });
});
