/**
 * Standard Webhooks signing with the reference library (`standardwebhooks`): the headers
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>`, which any receiver library of the specification verifies.
 *
 * @example
 * ```ts
 * const headers = signWebhook("whsec_…", "msg_1", new Date(), body);
 * ```
 * @module
 */
import { Webhook } from "standardwebhooks";

/** The signature headers of one attempt. */
export type WebhookSignatureHeaders = {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
};

/** Signs `body` for message `id` at `at` with a `whsec_…` secret. */
export function signWebhook(
  secret: string,
  id: string,
  at: Date,
  body: string,
): WebhookSignatureHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  };
}
