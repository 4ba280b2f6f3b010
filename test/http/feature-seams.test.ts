/**
 * Where features meet, through HTTP on the memory store and on Redis: organization approval with
 * token kinds (a pending token of another kind, an org's kinds, self-service children), with
 * secret scanning (a leaked pending token is revoked) and with unused-token cleanup (a pending
 * token nobody decides is revoked as unused; an approved one counts from its approval); and the
 * kind, token, subject and org in the audit events and webhook payloads of these paths. On the
 * real Node server (the client address comes from the connection and trusted proxies): IP
 * allowlists with approval (a pending token with `allowed_ips` approved, then used from an allowed
 * and a refused address; a wider successor waits again) and with kinds (a self-service child of
 * another kind inherits or narrows the list, never widens it).
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { sweepUnusedTokens } from "../../src/tokens/unused-tokens.js";
import { runWebhookPass } from "../../src/webhooks/delivery-pass.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import {
  callJson,
  createTestIssuer,
  form,
  STORE_KINDS,
  type StoreKind,
  type TestIssuer,
  uniquePrefix,
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

function call(issuer: TestIssuer, method: string, path: string, auth: string, body?: unknown) {
  return callJson((at, init) => issuer.request(at, init), method, path, auth, body);
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

const SERVICE = { id: "svc", secret: "svc-secret-0123456789abcdef" };
const SERVICE_AUTH = `Basic ${btoa(`${SERVICE.id}:${SERVICE.secret}`)}`;

/**
 * The real Node server with kinds, approval for acme and the webhook; loopback is the trusted
 * proxy, so each request says where it comes from in `X-Forwarded-For`.
 */
async function startSeamServer(store: StoreKind) {
  const server: RunningIssuer = await startServer({
    config: parseConfig({
      PORT: "0",
      ...(store === "redis" ? { REDIS_URL: inject("redisUrl"), REDIS_PREFIX: uniquePrefix() } : {}),
      TOKENMINT_CLIENTS: `${SERVICE.id}:${SERVICE.secret}`,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_ISSUER: "http://issuer.local",
      TOKENMINT_AUDIENCE: "https://api.test",
      TOKENMINT_TRUSTED_PROXIES: "127.0.0.1, ::1",
      TOKENMINT_TOKEN_KINDS: JSON.stringify(EXAMPLE_KINDS),
      TOKENMINT_ORG_POLICIES: JSON.stringify({
        acme: { require_approval: true, kinds: ["pat", "deploy"] },
      }),
      TOKENMINT_WEBHOOKS: JSON.stringify([{ id: "all", url: receiver.url, secret: webhookSecret }]),
      TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true",
    }),
    logger: createJsonLogger(() => undefined),
  });
  const call = (
    method: string,
    path: string,
    auth: string,
    options: { body?: unknown; from?: string } = {},
  ) =>
    callJson(
      (at, init) => fetch(`${server.url}${at}`, init),
      method,
      path,
      auth,
      options.body,
      options.from === undefined ? {} : { "x-forwarded-for": options.from },
    );
  const mint = async (body: Json, auth = SERVICE_AUTH, from?: string) =>
    call("POST", "/v1/tokens", auth, {
      body: { name: "n", ...(auth === SERVICE_AUTH ? { subject: "bob" } : {}), ...body },
      ...(from === undefined ? {} : { from }),
    });
  const audit = async (jti: string, type: string) => {
    const answer = await call("GET", `/v1/audit?type=${type}&limit=500`, SERVICE_AUTH);
    return (answer.body.events as AuditEvent[]).filter((event) => event.jti === jti);
  };
  return { server, call, mint, audit };
}

/** Waits (the server's delivery loop runs every second) for the webhook payload of an event. */
async function payloadOf(type: string, tokenId: string) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const found = receiver.received.find(
      (message) => message.payload.type === type && message.payload.data.token_id === tokenId,
    );
    if (found) return found.payload;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

describe.each(STORE_KINDS)("allowed_ips with approval and kinds on the %s store", (store) => {
  let issuer: Awaited<ReturnType<typeof startSeamServer>>;
  beforeAll(async () => {
    issuer = await startSeamServer(store);
  });
  afterAll(async () => {
    await issuer.server.close();
  });
  const bearer = (token: unknown) => `Bearer ${String(token)}`;

  it("approves a pending token with allowed_ips, which then works from inside its list only", async () => {
    const pending = await issuer.mint({
      org: "acme",
      kind: "deploy",
      scope: ["read_repository"],
      allowed_ips: ["10.1.2.3/8"],
    });
    expect([pending.status, pending.body.state, pending.body.allowed_ips]).toEqual([
      201,
      "pending",
      ["10.0.0.0/8"],
    ]);
    const id = String(pending.body.id);
    const self = (from: string) =>
      issuer.call("GET", "/v1/tokens/self", bearer(pending.body.token), { from });
    // Pending is refused from anywhere, before the address is looked at.
    expect((await self("10.1.2.3")).status).toBe(401);
    expect((await self("192.0.2.9")).status).toBe(401);
    expect(await issuer.audit(id, "token.ip_refused")).toEqual([]);

    const approved = await issuer.call("POST", `/v1/tokens/${id}/approve`, SERVICE_AUTH);
    expect([approved.status, approved.body.state, approved.body.allowed_ips]).toEqual([
      200,
      "active",
      ["10.0.0.0/8"],
    ]);
    expect((await self("10.1.2.3")).status).toBe(200);
    const refused = await self("192.0.2.9");
    expect([refused.status, refused.body.code]).toEqual([403, "ip_not_allowed"]);
    const events = await issuer.audit(id, "token.ip_refused");
    expect(events.map((event) => [event.sub, event.org, event.reason, event.detail])).toEqual([
      ["bob", "acme", "authenticate", { ip: "192.0.2.9", kind: "deploy" }],
    ]);
    expect((await payloadOf("token.ip_refused", id))?.data).toMatchObject({
      token_id: id,
      subject: "bob",
      org: "acme",
      kind: "deploy",
    });

    // A narrower list keeps the approval; lifting the list is wider and waits again.
    const narrowed = await issuer.call("PATCH", `/v1/tokens/${id}`, SERVICE_AUTH, {
      body: { allowed_ips: ["10.1.0.0/16"] },
    });
    expect([narrowed.status, narrowed.body.state, narrowed.body.allowed_ips]).toEqual([
      201,
      "active",
      ["10.1.0.0/16"],
    ]);
    const lifted = await issuer.call(
      "PATCH",
      `/v1/tokens/${String(narrowed.body.id)}`,
      SERVICE_AUTH,
      {
        body: { allowed_ips: null },
      },
    );
    expect([lifted.status, lifted.body.state, lifted.body.allowed_ips, lifted.body.kind]).toEqual([
      201,
      "pending",
      null,
      "deploy",
    ]);
  });

  it("gives a self-service child of another kind the parent's list, or a narrower one, never a wider", async () => {
    const parent = await issuer.mint({
      org: "acme",
      approved: true,
      scope: ["read_api", "read_repository", "manage_tokens"],
      allowed_ips: ["10.0.0.0/8"],
    });
    expect([parent.body.state, parent.body.kind]).toEqual(["active", "pat"]);
    const asParent = bearer(parent.body.token);
    const child = (body: Json) =>
      issuer.mint({ kind: "deploy", scope: ["read_repository"], ...body }, asParent, "10.1.2.3");

    const inherited = await child({ name: "inherits" });
    expect([
      inherited.status,
      inherited.body.kind,
      inherited.body.state,
      inherited.body.allowed_ips,
    ]).toEqual([201, "deploy", "pending", ["10.0.0.0/8"]]);
    const narrower = await child({ name: "narrower", allowed_ips: ["10.1.0.0/16"] });
    expect([narrower.status, narrower.body.allowed_ips]).toEqual([201, ["10.1.0.0/16"]]);
    for (const wider of [["192.0.2.0/24"], ["0.0.0.0/0"], ["10.0.0.0/8", "::1"]]) {
      const answer = await child({ name: "wider", allowed_ips: wider });
      expect([answer.status, answer.body.code]).toEqual([403, "wider_than_parent"]);
    }
    // The parent itself is refused outside its list, whatever it asks for.
    const outside = await issuer.mint(
      { kind: "deploy", scope: ["read_repository"] },
      asParent,
      "192.0.2.9",
    );
    expect([outside.status, outside.body.code]).toEqual([403, "ip_not_allowed"]);

    const id = String(inherited.body.id);
    expect((await issuer.call("POST", `/v1/tokens/${id}/approve`, SERVICE_AUTH)).status).toBe(200);
    const use = (from: string) =>
      issuer.call("GET", "/v1/tokens/self", bearer(inherited.body.token), { from });
    const usage = async () => {
      const shown = await issuer.call("GET", `/v1/tokens/${id}`, SERVICE_AUTH);
      return [shown.body.last_used_at === null, shown.body.last_used_ips];
    };
    // A refused attempt is no use: unused-token cleanup still sees the token as never used.
    expect((await use("192.0.2.9")).body.code).toBe("ip_not_allowed");
    expect(await usage()).toEqual([true, []]);
    expect((await use("10.200.0.1")).body.kind).toBe("deploy");
    expect(await usage()).toEqual([false, ["10.200.0.1"]]);
  });
});
