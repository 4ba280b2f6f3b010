/**
 * Where features meet, through HTTP on the memory store and on Redis: organization approval with
 * token kinds (a pending token of another kind, an org's kinds, self-service children), with
 * secret scanning (a leaked pending token is revoked) and with unused-token cleanup (a pending
 * token nobody decides is revoked as unused; an approved one counts from its approval); and the
 * kind, token, subject and org in the audit events and webhook payloads of these paths.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepUnusedTokens } from "../../src/tokens/unused-tokens.js";
import { runWebhookPass } from "../../src/webhooks/delivery-pass.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import {
  createTestIssuer,
  form,
  STORE_KINDS,
  type StoreKind,
  type TestIssuer,
} from "../helpers/issuer.js";
import { EXAMPLE_KINDS } from "../helpers/token-kinds.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

const DAY = 86400;

/** A secret scanner's key pair: the public half is configured, the private half signs reports. */
const SCANNER = (() => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key = publicKey.export({ type: "spki", format: "pem" }).toString();
  return { privateKey, entry: { key_identifier: "k1", key, is_current: true } };
})();

const webhookSecret = generateWebhookSecret();
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(webhookSecret);
});
afterAll(async () => {
  await receiver.close();
});

type Json = Record<string, unknown>;

interface AuditEvent {
  type: string;
  jti?: string;
  sub?: string;
  org?: string;
  reason?: string;
  actor: string;
  detail?: Json;
}

/** An issuer with kinds, approval for acme (pat and deploy only), a scanner key and a webhook. */
async function seamIssuer(store: StoreKind, env: Record<string, string> = {}) {
  const issuer = await createTestIssuer({
    store,
    env: {
      TOKENMINT_TOKEN_KINDS: JSON.stringify(EXAMPLE_KINDS),
      TOKENMINT_ORG_POLICIES: JSON.stringify({
        acme: { require_approval: true, kinds: ["pat", "deploy"], max_lifetime: "30d" },
      }),
      TOKENMINT_SECRET_SCANNING_KEYS: JSON.stringify({ public_keys: [SCANNER.entry] }),
      TOKENMINT_WEBHOOKS: JSON.stringify([{ id: "all", url: receiver.url, secret: webhookSecret }]),
      TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true",
      ...env,
    },
  });
  await issuer.ctx.store.openOutbox();
  return issuer;
}

async function call(
  issuer: TestIssuer,
  method: string,
  path: string,
  auth: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await issuer.request(path, {
    method,
    headers: {
      authorization: auth,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as Json };
}

const mint = (issuer: TestIssuer, body: Json, auth = issuer.clientAuth) =>
  call(issuer, "POST", "/v1/tokens", auth, { subject: "bob", name: "t", ...body });

const decide = (issuer: TestIssuer, id: string, verdict: "approve" | "deny", reason = "ok") =>
  call(issuer, "POST", `/v1/tokens/${id}/${verdict}`, issuer.clientAuth, { reason });

const stateOf = async (issuer: TestIssuer, id: string) =>
  (await call(issuer, "GET", `/v1/tokens/${id}`, issuer.clientAuth)).body.state;

async function introspect(issuer: TestIssuer, token: string): Promise<Json> {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return (await response.json()) as Json;
}

async function auditOf(issuer: TestIssuer, jti: string): Promise<AuditEvent[]> {
  const answer = await call(issuer, "GET", "/v1/audit?limit=500", issuer.clientAuth);
  return (answer.body.events as AuditEvent[]).filter((event) => event.jti === jti).reverse();
}

async function reportLeak(issuer: TestIssuer, token: string, type: string) {
  const body = JSON.stringify([{ token, type, url: "https://github.com/o/r/blob/1/.env" }]);
  const response = await issuer.request("/v1/secret-scanning", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "github-public-key-identifier": "k1",
      "github-public-key-signature": sign("sha256", Buffer.from(body), SCANNER.privateKey).toString(
        "base64",
      ),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Json[] };
}

/** Runs webhook passes until nothing is left; returns the payloads received for token `id`. */
async function deliveredFor(issuer: TestIssuer, id: string) {
  for (;;) {
    const pass = await runWebhookPass(issuer.ctx, { consumer: "test" });
    if (pass.fannedOut === 0 && pass.delivered + pass.retried + pass.failed === 0) break;
  }
  return receiver.received
    .map((message) => message.payload)
    .filter((payload) => payload.data.token_id === id);
}

describe.each(STORE_KINDS)("approval with token kinds on the %s store", (store) => {
  it("keeps a pending token's kind through approval, and names it in the events and webhook payloads", async () => {
    const issuer = await seamIssuer(store);
    const pending = await mint(issuer, {
      org: "acme",
      kind: "deploy",
      scope: ["read_repository"],
    });
    expect([pending.status, pending.body.state, pending.body.kind]).toEqual([
      201,
      "pending",
      "deploy",
    ]);
    const token = String(pending.body.token);
    const id = String(pending.body.id);
    expect(token.startsWith("tmdt_")).toBe(true);
    expect((await introspect(issuer, token)).active).toBe(false);

    const approved = await decide(issuer, id, "approve", "ticket 1");
    expect([approved.status, approved.body.state, approved.body.kind]).toEqual([
      200,
      "active",
      "deploy",
    ]);
    expect(await introspect(issuer, token)).toMatchObject({ active: true, kind: "deploy" });

    const renamed = await call(issuer, "PATCH", `/v1/tokens/${id}`, issuer.clientAuth, {
      name: "ci deploy",
    });
    expect([renamed.status, renamed.body.rotated, renamed.body.kind]).toEqual([
      200,
      false,
      "deploy",
    ]);
    // Every event of the token names it, its subject, org and kind.
    const ownEvents = await auditOf(issuer, id);
    expect(ownEvents.map((event) => event.type)).toEqual([
      "token.minted",
      "token.approved",
      "token.updated",
    ]);
    for (const event of ownEvents) {
      expect([event.sub, event.org, event.detail?.kind]).toEqual(["bob", "acme", "deploy"]);
    }

    const denied = await mint(issuer, { org: "acme", kind: "deploy", scope: ["read_registry"] });
    const deniedId = String(denied.body.id);
    expect((await decide(issuer, deniedId, "deny", "no")).body).toMatchObject({
      state: "revoked",
      kind: "deploy",
    });

    const decisions = [...(await auditOf(issuer, id)), ...(await auditOf(issuer, deniedId))]
      .filter((event) => event.type === "token.approved" || event.type === "token.denied")
      .map((event) => [event.type, event.sub, event.org, event.reason, event.detail]);
    expect(decisions).toEqual([
      ["token.approved", "bob", "acme", "ticket 1", { previous: "pending", kind: "deploy" }],
      ["token.denied", "bob", "acme", "no", { previous: "pending", kind: "deploy" }],
    ]);

    receiver.received.length = 0;
    const payloads = [
      ...(await deliveredFor(issuer, id)),
      ...(await deliveredFor(issuer, deniedId)),
    ];
    const named = (token: string) =>
      expect.objectContaining({ token_id: token, subject: "bob", org: "acme", kind: "deploy" });
    expect(payloads.map((payload) => [payload.type, payload.data])).toEqual([
      ["token.minted", named(id)],
      ["token.approved", named(id)],
      ["token.updated", named(id)],
      ["token.minted", named(deniedId)],
      ["token.denied", named(deniedId)],
    ]);
    await issuer.store.close();
  });

  it("holds a pending mint to the org's kinds, and makes a self-service child of another kind pending", async () => {
    const issuer = await seamIssuer(store);
    // The org's kinds refuse before anything waits for approval, and nothing is written.
    const job = await mint(issuer, { org: "acme", kind: "job", scope: ["read_api"] });
    expect([job.status, job.body.code]).toEqual([400, "invalid_kind"]);
    const queue = await call(issuer, "GET", "/v1/tokens?org=acme", issuer.clientAuth);
    expect(queue.body.tokens).toEqual([]);

    const parent = await mint(issuer, {
      org: "acme",
      approved: true,
      scope: ["read_api", "read_repository", "manage_tokens"],
    });
    expect(parent.body.state).toBe("active");
    const bearerAuth = `Bearer ${String(parent.body.token)}`;
    const child = await call(issuer, "POST", "/v1/tokens", bearerAuth, {
      name: "ci",
      kind: "deploy",
      scope: ["read_repository"],
    });
    expect([child.status, child.body.state, child.body.kind, child.body.org]).toEqual([
      201,
      "pending",
      "deploy",
      "acme",
    ]);
    const childToken = String(child.body.token);
    expect((await introspect(issuer, childToken)).active).toBe(false);
    // The pending deploy token cannot approve itself or be resumed into use.
    const self = await call(
      issuer,
      "POST",
      `/v1/tokens/${String(child.body.id)}/approve`,
      `Bearer ${childToken}`,
    );
    expect(self.status).toBe(401);
    expect(
      (await call(issuer, "POST", `/v1/tokens/${String(child.body.id)}/approve`, bearerAuth)).body
        .code,
    ).toBe("client_required");
    expect((await decide(issuer, String(child.body.id), "approve")).body.kind).toBe("deploy");
    expect(await introspect(issuer, childToken)).toMatchObject({ active: true, kind: "deploy" });

    // A rotation keeps approval and kind; a wider successor waits again, still a deploy token.
    const rotated = await call(
      issuer,
      "POST",
      `/v1/tokens/${String(child.body.id)}/rotate`,
      issuer.clientAuth,
    );
    expect([rotated.status, rotated.body.state, rotated.body.kind]).toEqual([
      201,
      "active",
      "deploy",
    ]);
    expect(String(rotated.body.token).startsWith("tmdt_")).toBe(true);
    const wider = await call(
      issuer,
      "PATCH",
      `/v1/tokens/${String(rotated.body.id)}`,
      issuer.clientAuth,
      { scope: ["read_repository", "read_registry"] },
    );
    expect([wider.status, wider.body.state, wider.body.kind]).toEqual([201, "pending", "deploy"]);
    expect((await introspect(issuer, String(wider.body.token))).active).toBe(false);
    await issuer.store.close();
  });
});

describe.each(STORE_KINDS)("approval with secret scanning on the %s store", (store) => {
  it("revokes a leaked pending token, which can then no longer be approved", async () => {
    const issuer = await seamIssuer(store);
    const pending = await mint(issuer, { org: "acme", kind: "deploy", scope: ["read_registry"] });
    const id = String(pending.body.id);
    expect(pending.body.state).toBe("pending");

    const report = await reportLeak(issuer, String(pending.body.token), "tokenmint_deploy");
    expect(report.status).toBe(200);
    expect(report.body[0]?.label).toBe("true_positive");
    expect(await stateOf(issuer, id)).toBe("revoked");
    expect((await decide(issuer, id, "approve")).body.code).toBe("token_not_pending");
    expect(await stateOf(issuer, id)).toBe("revoked");

    const events = (await auditOf(issuer, id)).filter((event) => event.type !== "token.minted");
    expect(events.map((event) => [event.type, event.reason, event.detail?.kind])).toEqual([
      ["token.revoked", "leaked", "deploy"],
      ["token.leaked", "leaked", "deploy"],
    ]);
    expect(events[0]?.detail?.previous).toBe("pending");

    receiver.received.length = 0;
    const leaked = (await deliveredFor(issuer, id)).find((p) => p.type === "token.leaked");
    expect(leaked?.data).toMatchObject({
      token_id: id,
      subject: "bob",
      org: "acme",
      kind: "deploy",
      reason: "leaked",
    });
    await issuer.store.close();
  });
});

describe.each(STORE_KINDS)("approval with unused-token cleanup on the %s store", (store) => {
  const cleanup = { TOKENMINT_REVOKE_UNUSED_AFTER: "10d", TOKENMINT_EXPIRY_NOTICES: "1d" };

  it("revokes a pending token nobody decided as unused, after a notice naming its kind", async () => {
    const issuer = await seamIssuer(store, cleanup);
    const pending = await mint(issuer, { org: "acme", kind: "deploy", scope: ["read_registry"] });
    const id = String(pending.body.id);

    issuer.clock.advance(9 * DAY + 60);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 1, revoked: 0 });
    expect(await stateOf(issuer, id)).toBe("pending");
    issuer.clock.advance(DAY);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 1 });
    expect(await stateOf(issuer, id)).toBe("revoked");
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 0 });
    expect((await decide(issuer, id, "approve")).body.code).toBe("token_not_pending");

    const events = (await auditOf(issuer, id)).filter((event) => event.type !== "token.minted");
    expect(events.map((event) => [event.type, event.actor, event.reason])).toEqual([
      ["token.expiring", "system", "unused"],
      ["token.revoked", "system", "unused"],
    ]);
    expect(events[0]?.detail).toMatchObject({ kind: "deploy", last_used_at: null });
    expect(events[1]?.detail).toMatchObject({ kind: "deploy", previous: "pending" });
    await issuer.store.close();
  });

  it("counts an approved token's disuse from its approval, not its mint", async () => {
    const issuer = await seamIssuer(store, cleanup);
    const pending = await mint(issuer, { org: "acme", scope: ["read_api"] });
    const id = String(pending.body.id);
    issuer.clock.advance(6 * DAY);
    expect((await decide(issuer, id, "approve")).body.state).toBe("active");

    // Ten days after the mint, four after the approval: kept.
    issuer.clock.advance(4 * DAY + 60);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 0 });
    expect(await stateOf(issuer, id)).toBe("active");
    // Nine days after the approval: the notice; ten: revoked.
    issuer.clock.advance(5 * DAY);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 1, revoked: 0 });
    issuer.clock.advance(DAY);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 1 });
    const revoked = (await auditOf(issuer, id)).find((event) => event.type === "token.revoked");
    expect(revoked).toMatchObject({
      reason: "unused",
      detail: { previous: "active", kind: "pat" },
    });
    await issuer.store.close();
  });

  it("lets exactly one of an approval and a concurrent revocation as unused win", async () => {
    const issuer = await seamIssuer(store, cleanup);
    const pending = await mint(issuer, { org: "acme", scope: ["read_api"] });
    const id = String(pending.body.id);
    issuer.clock.advance(10 * DAY + 60);
    const [sweep, approval] = await Promise.all([
      sweepUnusedTokens(issuer.ctx),
      decide(issuer, id, "approve"),
    ]);
    const state = await stateOf(issuer, id);
    if (approval.status === 200) {
      expect([sweep.revoked, state]).toEqual([0, "active"]);
    } else {
      expect([approval.body.code, sweep.revoked, state]).toEqual([
        "token_not_pending",
        1,
        "revoked",
      ]);
    }
    await issuer.store.close();
  });
});
