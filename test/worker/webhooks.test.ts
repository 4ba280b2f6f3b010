/**
 * Webhook delivery in the Worker build's cron trigger: an issuer Worker configured with a webhook
 * on a real receiver (a Node server started by global-setup.ts that verifies every request with
 * the Standard Webhooks library) delivers a token event, signed, from a scheduled run.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CRON, cronOf, mint } from "./helpers.js";

/** One message the receiver accepted (see test/webhooks/receiver.ts). */
interface Received {
  readonly id: string;
  readonly payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

async function receiverLog(): Promise<{ received: Received[]; rejected: string[] }> {
  const response = await fetch(env.WEBHOOK_RECEIVER_URL);
  if (response.status !== 200) throw new Error(`receiver: ${response.status}`);
  return (await response.json()) as { received: Received[]; rejected: string[] };
}

describe("webhook delivery in the cron trigger", () => {
  it("delivers a token event to a configured webhook, signed so the Standard Webhooks library verifies it", async () => {
    // The first run creates the signing key and the consumer group at the audit stream's end.
    await cronOf(env.WEBHOOKS)({ cron: CRON, scheduledTime: new Date() });
    const minted = await mint(env.WEBHOOKS, { subject: "erin", org: "acme" });
    await cronOf(env.WEBHOOKS)({ cron: CRON, scheduledTime: new Date() });

    const { received, rejected } = await receiverLog();
    expect(rejected).toEqual([]);
    const mine = received.filter((message) => message.payload.data.token_id === minted.id);
    expect(mine).toEqual([
      {
        id: expect.stringMatching(/^msg_receiver_/),
        payload: {
          type: "token.minted",
          timestamp: expect.any(String),
          data: expect.objectContaining({ token_id: minted.id, subject: "erin", org: "acme" }),
        },
      },
    ]);
    expect(JSON.stringify(received)).not.toContain(minted.token);

    // Delivered once: a later run sends nothing again.
    await cronOf(env.WEBHOOKS)({ cron: CRON, scheduledTime: new Date() });
    expect((await receiverLog()).received).toHaveLength(received.length);
  });
});
