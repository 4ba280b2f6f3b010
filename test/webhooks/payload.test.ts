/**
 * The payload and identity of a delivery: the Standard Webhooks shape, the token's id, subject,
 * organization and kind when the event has them (on the event or among its details), the stable
 * `webhook-id`, and the stable ids of configured webhooks.
 */

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/config.js";
import { importKeks } from "../../src/keys/kek.js";
import { webhookMessageId, webhookPayload } from "../../src/webhooks/payload.js";
import {
  generateWebhookSecret,
  openWebhookSecret,
  sealWebhookSecret,
} from "../../src/webhooks/secret.js";

describe("a webhook payload", () => {
  it("carries the event's token id, subject, org and kind, and nothing it does not have", () => {
    const base = {
      id: "1796212800000-0",
      type: "token.revoked",
      at: 1796212800,
      actor: "client:p",
    };
    expect(
      webhookPayload({
        ...base,
        jti: "t1",
        sub: "alice",
        org: "acme",
        reason: "api",
        kind: "pat",
      } as never),
    ).toEqual({
      type: "token.revoked",
      timestamp: "2026-12-02T12:00:00.000Z",
      data: {
        event_id: "1796212800000-0",
        actor: "client:p",
        token_id: "t1",
        subject: "alice",
        org: "acme",
        kind: "pat",
        reason: "api",
      },
    });
    expect(
      webhookPayload({ ...base, type: "token.leaked", detail: { kind: "service" } }).data,
    ).toEqual({
      event_id: "1796212800000-0",
      actor: "client:p",
      kind: "service",
      detail: { kind: "service" },
    });
    expect(webhookMessageId("wh_1", "1-0")).toBe("msg_wh_1_1-0");
  });

  it("gives configured webhooks stable ids and refuses duplicates", () => {
    const secret = generateWebhookSecret();
    const hooks = (json: unknown) =>
      parseConfig({ TOKENMINT_WEBHOOKS: JSON.stringify(json) }).webhooks.configured;
    const first = hooks([{ url: "https://a.example.com/h", secret }]);
    expect(first[0]?.id).toMatch(/^cfg_[0-9a-f]{8}$/);
    expect(
      hooks([{ url: "https://a.example.com/h", secret, events: ["token.revoked"] }])[0]?.id,
    ).toBe(first[0]?.id);
    expect(hooks([{ id: "audit-sink", url: "https://a.example.com/h", secret }])[0]?.id).toBe(
      "audit-sink",
    );
    expect(() =>
      hooks([
        { url: "https://a.example.com/h", secret },
        { url: "https://a.example.com/h", secret },
      ]),
    ).toThrow(ConfigError);
  });

  it("keeps an API-defined webhook's secret only encrypted, and opens it back", async () => {
    const keks = await importKeks([randomBytes(32).toString("base64url")]);
    const secret = generateWebhookSecret();
    const sealed = await sealWebhookSecret(secret, keks);
    expect(sealed).not.toContain(secret.slice(6));
    expect(await openWebhookSecret(sealed, keks)).toBe(secret);
  });
});
