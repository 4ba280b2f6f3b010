/**
 * The outgoing webhook of the OpenAPI document (the 3.1 `webhooks` member): what the issuer POSTs
 * to every webhook for each audit event it wants, signed as Standard Webhooks.
 *
 * @example
 * ```ts
 * const document = { ...rest, webhooks: webhookDocument(), components: { schemas: { WebhookEvent: webhookEventSchema } } };
 * ```
 * @module
 */
import { z } from "zod";

const webhookEvent = z.object({
  type: z.string().describe("The audit event type, e.g. `token.revoked`"),
  timestamp: z.iso.datetime().describe("When the event was recorded"),
  data: z.object({
    event_id: z.string().describe("The audit stream id of the event"),
    actor: z.string(),
    token_id: z.string().optional(),
    subject: z.string().optional(),
    org: z.string().optional(),
    kind: z.string().optional(),
    reason: z.string().optional(),
    detail: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional(),
  }),
});

/** The payload's JSON Schema, for `components.schemas.WebhookEvent`. */
export const webhookEventSchema: Record<string, unknown> = z.toJSONSchema(webhookEvent, {
  target: "draft-2020-12",
  io: "output",
});

const header = (name: string, description: string) => ({
  in: "header",
  name,
  required: true,
  description,
  schema: { type: "string" },
});

/** The `webhooks` member of the document. */
export function webhookDocument() {
  return {
    auditEvent: {
      post: {
        operationId: "receiveAuditEvent",
        tags: ["webhooks"],
        summary: "An audit event, sent to each webhook that wants its type",
        description:
          "Sent at least once, retried with backoff for `TOKENMINT_WEBHOOKS_RETRY_FOR`; verify it with a Standard Webhooks library and drop duplicates by `webhook-id`.",
        parameters: [
          header("webhook-id", "The same on every attempt for one event and one webhook"),
          header("webhook-timestamp", "Seconds since the epoch of this attempt"),
          header(
            "webhook-signature",
            "`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` under the webhook's secret",
          ),
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/WebhookEvent" },
              example: {
                type: "token.revoked",
                timestamp: "2026-12-02T12:00:00.000Z",
                data: {
                  event_id: "1796212800000-0",
                  actor: "client:platform",
                  token_id: "3f9c0d2e-8d7f-4a51-9d40-2b8f0c1e7a11",
                  subject: "alice",
                  org: "acme",
                  reason: "api",
                },
              },
            },
          },
        },
        responses: {
          "2XX": { description: "Stored; any other answer, or none in time, is retried" },
        },
      },
    },
  };
}
