/**
 * The outbox on both stores (memory and the test run's Redis), through an in-process issuer and
 * the same delivery pass the servers run: events are fanned out to the webhooks that want them,
 * a failed attempt is retried when its backoff is due, and the capped audit stream never trims an
 * event before it was fanned out (then it is trimmed back to its cap).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/record-audit.js";
import { runWebhookPass } from "../../src/webhooks/delivery-pass.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import { createTestIssuer, STORE_KINDS } from "../helpers/issuer.js";
import { type Receiver, startReceiver } from "./receiver.js";

const secret = generateWebhookSecret();
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(secret);
});
afterAll(async () => {
  await receiver.close();
});

async function issuerWith(kind: (typeof STORE_KINDS)[number], env: Record<string, string> = {}) {
  const issuer = await createTestIssuer({
    store: kind,
    env: {
      TOKENMINT_WEBHOOKS: JSON.stringify([
        { id: "all", url: receiver.url, secret },
        { id: "revocations", url: `${receiver.url}?r`, secret, events: ["token.revoked"] },
      ]),
      TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true",
      TOKENMINT_WEBHOOKS_RETRY_BASE: "1s",
      TOKENMINT_MINT_RATE_PER_CLIENT: "100000",
      ...env,
    },
  });
  await issuer.ctx.store.openOutbox();
  return issuer;
}

/** Runs passes until nothing is left to fan out or deliver now. */
async function drain(issuer: Awaited<ReturnType<typeof issuerWith>>): Promise<void> {
  for (;;) {
    const pass = await runWebhookPass(issuer.ctx, { consumer: "test" });
    if (pass.fannedOut === 0 && pass.delivered + pass.retried + pass.failed === 0) return;
  }
}

describe.each(STORE_KINDS)("the webhook outbox on the %s store", (kind) => {
  it("fans each event out to the webhooks that want it, and retries a failed attempt when its backoff is due", async () => {
    receiver.received.length = 0;
    const issuer = await issuerWith(kind);
    const minted = await issuer.mint({ subject: "carol" });
    receiver.setDown(true);
    await issuer.request(`/v1/tokens/${minted.id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    const first = await runWebhookPass(issuer.ctx, { consumer: "test" });
    expect(first).toEqual({ fannedOut: 2, delivered: 0, retried: 3, failed: 0 });
    receiver.setDown(false);
    // Not due yet: the clock has not moved past the backoff (at most the 1 s base).
    issuer.clock.advance(1);
    await drain(issuer);
    expect(receiver.received.map((message) => message.payload.type).sort()).toEqual([
      "token.minted",
      "token.revoked",
      "token.revoked",
    ]);
    const eventOf = (type: string) =>
      receiver.received.find((message) => message.payload.type === type)?.payload.data.event_id;
    const [mintedEvent, revokedEvent] = [eventOf("token.minted"), eventOf("token.revoked")];
    expect(new Set(receiver.received.map((message) => message.id))).toEqual(
      new Set([
        `msg_all_${mintedEvent}`,
        `msg_all_${revokedEvent}`,
        `msg_revocations_${revokedEvent}`,
      ]),
    );
  });

  it("carries the secret-scanning and unused-token events like any other", async () => {
    receiver.received.length = 0;
    const issuer = await issuerWith(kind);
    const { id } = await issuer.mint({ subject: "dave", org: "acme" });
    const token = { jti: id, sub: "dave", org: "acme" };
    await recordAudit(issuer.ctx, {
      type: "token.leaked",
      actor: "scanner",
      ...token,
      reason: "leaked",
    });
    await recordAudit(issuer.ctx, {
      type: "token.expiring",
      actor: "system",
      ...token,
      reason: "unused",
      detail: { expires_at: 1796212800, kind: "pat" },
    });
    await drain(issuer);
    const data = (type: string) =>
      receiver.received.find((message) => message.payload.type === type)?.payload.data;
    expect(data("token.leaked")).toMatchObject({
      token_id: id,
      subject: "dave",
      org: "acme",
      reason: "leaked",
    });
    expect(data("token.expiring")).toMatchObject({ token_id: id, reason: "unused", kind: "pat" });
    await issuer.store.close();
  });

  it("never trims an event from the capped audit stream before it was fanned out", async () => {
    receiver.received.length = 0;
    const issuer = await issuerWith(kind, { TOKENMINT_AUDIT_MAX_EVENTS: "100" });
    for (let i = 0; i < 150; i++) await issuer.mint({ subject: `s${i}` });
    expect(await issuer.store.readAudit({ count: 1000 })).toHaveLength(150);
    await drain(issuer);
    expect(
      receiver.received.filter((message) => message.payload.type === "token.minted"),
    ).toHaveLength(150);
    await issuer.mint({ subject: "one-more" });
    expect(await issuer.store.readAudit({ count: 1000 })).toHaveLength(100);
    await issuer.store.close();
  });
});
