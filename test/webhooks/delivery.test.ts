/**
 * Webhook delivery end to end: real issuer servers (`startServer`) on the test run's Redis, a real
 * receiver that verifies every signature with the Standard Webhooks library, and the admin API.
 * A receiver that is down gets every event once it is back; two instances deliver each event
 * exactly once between them; a restart (and a consumer that died between reading and fanning out)
 * loses nothing; a delivery that outlives its retry window is listed as failed and redelivered.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunningIssuer } from "../../src/node/start-server.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import { eventually, type Receiver, startReceiver } from "./receiver.js";
import { adminCall, deploymentEnv, mint, revoke, startInstance } from "./servers.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function receiver(secret = generateWebhookSecret()): Promise<Receiver & { secret: string }> {
  const started = await startReceiver(secret);
  open.push(started);
  return Object.assign(started, { secret });
}

async function instance(env: Record<string, string>, logs?: string[]): Promise<RunningIssuer> {
  const started = await startInstance(env, logs);
  open.push(started);
  return started;
}

function configured(hooks: { url: string; secret: string; events?: string[] }[]) {
  return { TOKENMINT_WEBHOOKS: JSON.stringify(hooks) };
}

describe("webhook delivery on Redis", () => {
  it("signs every delivery so the reference library verifies it, carries the token's id, subject and org, never the token, and filters by event type", async () => {
    const all = await receiver();
    const revocations = await receiver();
    const issuer = await instance(
      deploymentEnv(configured([{ url: all.url, secret: all.secret }])),
    );
    const created = await adminCall(issuer, "POST", "/v1/webhooks", {
      url: revocations.url,
      events: ["token.revoked"],
    });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string; secret: string; source: string };
    expect(hook).toMatchObject({ source: "api", events: ["token.revoked"] });
    expect(hook.secret).toMatch(/^whsec_/);
    revocations.useSecret(hook.secret);

    const listed = await (await adminCall(issuer, "GET", "/v1/webhooks")).json();
    expect(JSON.stringify(listed)).not.toContain("whsec_");
    expect((listed as { webhooks: { source: string }[] }).webhooks.map((w) => w.source)).toEqual([
      "config",
      "api",
    ]);

    const mintResponse = await fetch(`${issuer.url}/v1/tokens`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa("ops:ops-secret-0123456789abcdef")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ subject: "alice", name: "ci", scope: ["read_api"], org: "acme" }),
    });
    const { id, token } = (await mintResponse.json()) as { id: string; token: string };
    await revoke(issuer, id);

    await eventually(10_000, () => all.received.length >= 2 && revocations.received.length >= 1);
    expect(all.rejected).toEqual([]);
    expect(revocations.rejected).toEqual([]);
    expect(all.received.map((message) => message.payload.type)).toEqual([
      "token.minted",
      "token.revoked",
    ]);
    expect(revocations.received.map((message) => message.payload.type)).toEqual(["token.revoked"]);
    const revoked = revocations.received[0]?.payload;
    expect(revoked?.data).toMatchObject({ token_id: id, subject: "alice", org: "acme" });
    expect(revoked?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const message of [...all.received, ...revocations.received]) {
      expect(JSON.stringify(message.payload)).not.toContain(token);
      expect(message.id).toMatch(/^msg_/);
    }
    // A receiver verifying with the wrong secret rejects: the signature depends on the secret.
    revocations.useSecret(generateWebhookSecret());
    await revoke(issuer, await mint(issuer, "bob"));
    await eventually(10_000, () => revocations.rejected.length >= 1);
    expect(revocations.rejected[0]).toBe("No matching signature found");
  });

  it("delivers every event to a receiver that was down for a while, once it is back", async () => {
    const hook = await receiver();
    const issuer = await instance(
      deploymentEnv(configured([{ url: hook.url, secret: hook.secret }])),
    );
    hook.setDown(true);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await mint(issuer, `down-${i}`));
    // Attempts fail while it is down; the deliveries wait, listed as pending.
    await eventually(10_000, async () => {
      const page = await deliveries(issuer, idOf(hook.url));
      return (
        page.length === 5 &&
        page.every((delivery) => delivery.attempts >= 1 && delivery.state === "pending")
      );
    });
    hook.setDown(false);
    await eventually(15_000, () => hook.ids().size === 5, "all five delivered");
    const tokenIds = hook.received.map((message) => message.payload.data.token_id);
    expect(new Set(tokenIds)).toEqual(new Set(ids));
    expect(await deliveries(issuer, idOf(hook.url))).toEqual([]);
  });

  it("two instances on one Redis deliver each event exactly once between them", async () => {
    const hook = await receiver();
    const env = deploymentEnv(configured([{ url: hook.url, secret: hook.secret }]));
    const [first, second] = [await instance(env), await instance(env)];
    const ids: string[] = [];
    await Promise.all(
      [first, second].map(async (issuer, n) => {
        for (let i = 0; i < 15; i++) ids.push(await mint(issuer, `pair-${n}-${i}`));
      }),
    );
    await eventually(15_000, () => hook.ids().size === 30, "thirty delivered");
    // Give a duplicate time to show up, then count.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hook.received).toHaveLength(30);
    expect(new Set(hook.received.map((message) => message.payload.data.token_id))).toEqual(
      new Set(ids),
    );
  });

  it("loses nothing across a restart, nor when a consumer died between reading events and fanning them out", async () => {
    const hook = await receiver();
    const env = deploymentEnv(configured([{ url: hook.url, secret: hook.secret }]));
    hook.setDown(true);
    const before = await instance(env);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await mint(before, `restart-${i}`));
    await eventually(10_000, async () => (await deliveries(before, idOf(hook.url))).length === 4);
    await before.close();

    // Two more events, read by a consumer that dies before fanning them out.
    const quiet = await startInstance(env, [], { tickMs: 3_600_000, reclaimAfterMs: 1000 });
    open.push(quiet);
    for (let i = 4; i < 6; i++) ids.push(await mint(quiet, `restart-${i}`));
    await quiet.close();
    const crashed = createRedisStore({
      url: env.REDIS_URL as string,
      prefix: env.REDIS_PREFIX as string,
    });
    await crashed.open(64);
    expect(await crashed.readOutbox("crashed", 10, 60_000)).toHaveLength(2);
    await crashed.close();

    const after = await instance(env);
    ids.push(await mint(after, "restart-6"));
    hook.setDown(false);
    await eventually(15_000, () => hook.ids().size === 7, "all seven delivered");
    expect(new Set(hook.received.map((message) => message.payload.data.token_id))).toEqual(
      new Set(ids),
    );
  });

  it("keeps a delivery whose retry window ended as failed, lists it, and redelivers it on request", async () => {
    const hook = await receiver();
    const env = deploymentEnv({
      ...configured([{ url: hook.url, secret: hook.secret, events: ["token.minted"] }]),
      TOKENMINT_WEBHOOKS_RETRY_FOR: "2s",
    });
    hook.setDown(true);
    const issuer = await instance(env);
    const id = await mint(issuer, "failing");
    const webhook = idOf(hook.url);
    await eventually(
      15_000,
      async () => (await deliveries(issuer, webhook))[0]?.state === "failed",
    );
    const [failed] = await deliveries(issuer, webhook);
    expect(failed).toMatchObject({
      webhook_id: webhook,
      type: "token.minted",
      state: "failed",
      next_attempt_at: null,
      last_status: null,
    });
    expect(failed?.attempts).toBeGreaterThanOrEqual(1);
    expect(failed?.last_error).toEqual(expect.any(String));
    expect(hook.received).toEqual([]);

    hook.setDown(false);
    const redelivered = await adminCall(
      issuer,
      "POST",
      `/v1/webhooks/${webhook}/deliveries/${failed?.id}/redeliver`,
    );
    expect(redelivered.status).toBe(202);
    expect(await redelivered.json()).toMatchObject({ state: "pending", attempts: 0 });
    await eventually(10_000, () => hook.received.length === 1);
    expect(hook.received[0]?.payload.data.token_id).toBe(id);
    expect(hook.received[0]?.id).toBe(failed?.message_id);
    expect(await deliveries(issuer, webhook)).toEqual([]);
    // Only a failed delivery can be redelivered; an unknown one is 404.
    const gone = await adminCall(
      issuer,
      "POST",
      `/v1/webhooks/${webhook}/deliveries/${failed?.id}/redeliver`,
    );
    expect(gone.status).toBe(404);
    const configuredDelete = await adminCall(issuer, "DELETE", `/v1/webhooks/${webhook}`);
    expect(configuredDelete.status).toBe(409);
  });
});

interface DeliveryView {
  id: string;
  webhook_id: string;
  message_id: string;
  type: string;
  state: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
}

async function deliveries(issuer: RunningIssuer, webhook: string): Promise<DeliveryView[]> {
  const response = await adminCall(issuer, "GET", `/v1/webhooks/${webhook}/deliveries`);
  if (response.status !== 200) throw new Error(`deliveries: ${response.status}`);
  return ((await response.json()) as { deliveries: DeliveryView[] }).deliveries;
}

/** The stable id a configured webhook gets from its URL (as `GET /v1/webhooks` shows it). */
function idOf(url: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(url)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `cfg_${hash.toString(16).padStart(8, "0")}`;
}
