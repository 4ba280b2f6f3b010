/**
 * The webhook admin endpoints (admin service clients only, `TOKENMINT_ADMIN_CLIENTS`):
 *
 * - `POST /v1/webhooks`: create one; the answer holds its `whsec_…` secret, shown only then;
 * - `GET /v1/webhooks`, `GET /v1/webhooks/{id}`: configured and API-defined webhooks;
 * - `PATCH /v1/webhooks/{id}`: change an API-defined webhook's URL or event filter;
 * - `DELETE /v1/webhooks/{id}`: delete an API-defined webhook and its deliveries;
 * - `GET /v1/webhooks/{id}/deliveries`: its pending and failed deliveries;
 * - `POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver`: queue a failed delivery again.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { EVENT_TYPE, WEBHOOK_ID } from "../../config/webhooks-config.js";
import type { IssuerContext } from "../../context.js";
import { Forbidden, NotFound } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import { ADMIN, JSON_BODY, problems, STORE } from "../../openapi/problems.js";
import {
  createWebhook,
  deleteWebhook,
  listDeliveryViews,
  listWebhookViews,
  redeliver,
  showWebhook,
  updateWebhook,
} from "../../webhooks/manage-webhooks.js";
import { type AuthVariables, authenticate, type Caller } from "../authenticate.js";
import { defineRoute, pathParam } from "../define-route.js";
import { parseWith, readJson } from "../request-body.js";

/** `POST /v1/webhooks`. */
export const webhookCreateSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(z.string().regex(EVENT_TYPE)).min(1).max(64).optional(),
});

/** `PATCH /v1/webhooks/{id}`: `events: null` means every type. */
export const webhookUpdateSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  events: z.array(z.string().regex(EVENT_TYPE)).min(1).max(64).nullable().optional(),
});

/** The query of `GET /v1/webhooks/{id}/deliveries`. */
export const deliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const time = z.iso.datetime();
const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()).nullable().describe("Event types it receives; null: every type"),
  source: z.enum(["config", "api"]),
  created_at: time.nullable(),
});
const deliverySchema = z.object({
  id: z.string().describe("The audit event's id"),
  webhook_id: z.string(),
  message_id: z.string().describe("The `webhook-id` header of every attempt"),
  type: z.string(),
  state: z.enum(["pending", "failed"]),
  attempts: z.number().int(),
  created_at: time,
  next_attempt_at: time.nullable(),
  last_attempt_at: time.nullable(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
});

const Webhook = named("Webhook", webhookSchema);
const CreatedWebhook = named(
  "CreatedWebhook",
  webhookSchema.extend({
    secret: z.string().describe("The `whsec_…` signing secret: shown once, stored encrypted"),
  }),
);
const WebhookList = named("WebhookList", z.object({ webhooks: z.array(webhookSchema) }));
const Delivery = named("WebhookDelivery", deliverySchema);
const DeliveryList = named(
  "WebhookDeliveryList",
  z.object({ deliveries: z.array(deliverySchema) }),
);

const WEBHOOK_EXAMPLE = {
  id: "wh_q3Vb0mX1c9Zk",
  url: "https://hooks.example.com/tokenmint",
  events: ["token.revoked", "token.reuse_detected"],
  source: "api",
  created_at: "2026-12-02T12:00:00.000Z",
};
const DELIVERY_EXAMPLE = {
  id: "1796212800000-0",
  webhook_id: "wh_q3Vb0mX1c9Zk",
  message_id: "msg_wh_q3Vb0mX1c9Zk_1796212800000-0",
  type: "token.revoked",
  state: "failed",
  attempts: 14,
  created_at: "2026-12-02T12:00:00.000Z",
  next_attempt_at: null,
  last_attempt_at: "2026-12-03T11:48:12.000Z",
  last_status: 503,
  last_error: "HTTP 503",
};

const NOT_FOUND = { 404: ["not_found"] } as const;

const CREATE: Operation = {
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  tag: "webhooks",
  summary: "Create a webhook; its signing secret is in this answer only",
  description:
    "Only `https` URLs whose host is public (not loopback, private, link-local or metadata), unless `TOKENMINT_WEBHOOKS_ALLOW_INSECURE=true`. Without `events`, every audit event type is sent.",
  security: ["admin"],
  body: {
    schema: named("WebhookCreateRequest", webhookCreateSchema),
    contentType: "application/json",
    required: true,
    example: { url: "https://hooks.example.com/tokenmint", events: ["token.revoked"] },
  },
  responses: {
    201: {
      description: "Created",
      schema: CreatedWebhook,
      example: { ...WEBHOOK_EXAMPLE, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    },
    ...problems(JSON_BODY, ADMIN, STORE),
  },
};

const LIST: Operation = {
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  tag: "webhooks",
  summary: "Configured and API-defined webhooks (never their secrets)",
  security: ["admin"],
  responses: {
    200: {
      description: "The webhooks",
      schema: WebhookList,
      example: { webhooks: [WEBHOOK_EXAMPLE] },
    },
    ...problems(ADMIN, STORE),
  },
};

const SHOW: Operation = {
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "showWebhook",
  tag: "webhooks",
  summary: "One webhook",
  security: ["admin"],
  responses: {
    200: { description: "The webhook", schema: Webhook, example: WEBHOOK_EXAMPLE },
    ...problems(ADMIN, NOT_FOUND, STORE),
  },
};

const UPDATE: Operation = {
  method: "patch",
  path: "/v1/webhooks/{id}",
  operationId: "updateWebhook",
  tag: "webhooks",
  summary: "Change an API-defined webhook's URL or event filter (its secret stays)",
  description:
    "`events: null` sends every type. A configured webhook (`source: config`), or one changed meanwhile, answers 409.",
  security: ["admin"],
  body: {
    schema: named("WebhookUpdateRequest", webhookUpdateSchema),
    contentType: "application/json",
    required: true,
    example: { events: ["token.revoked", "token.reuse_detected"] },
  },
  responses: {
    200: { description: "The webhook afterwards", schema: Webhook, example: WEBHOOK_EXAMPLE },
    ...problems(JSON_BODY, ADMIN, NOT_FOUND, { 409: ["invalid_state"] }, STORE),
  },
};

const DELETE: Operation = {
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  tag: "webhooks",
  summary: "Delete an API-defined webhook and its deliveries",
  description:
    "A configured webhook (`source: config`) answers 409: it changes only with `TOKENMINT_WEBHOOKS`.",
  security: ["admin"],
  responses: {
    204: { description: "Deleted" },
    ...problems(ADMIN, NOT_FOUND, { 409: ["invalid_state"] }, STORE),
  },
};

const DELIVERIES: Operation = {
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tag: "webhooks",
  summary: "A webhook's pending and failed deliveries, newest first",
  description:
    "A delivered event leaves the list. A `failed` one stays until it is redelivered or the webhook is deleted.",
  security: ["admin"],
  query: named("WebhookDeliveriesQuery", deliveriesQuerySchema),
  responses: {
    200: {
      description: "The deliveries",
      schema: DeliveryList,
      example: { deliveries: [DELIVERY_EXAMPLE] },
    },
    ...problems({ 400: ["invalid_request"] }, ADMIN, NOT_FOUND, STORE),
  },
};

const REDELIVER: Operation = {
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
  operationId: "redeliverWebhookDelivery",
  tag: "webhooks",
  summary: "Queue a failed delivery again, due now, with a fresh retry window",
  security: ["admin"],
  responses: {
    202: {
      description: "Queued",
      schema: Delivery,
      example: {
        ...DELIVERY_EXAMPLE,
        state: "pending",
        attempts: 0,
        next_attempt_at: "2026-12-03T12:30:00.000Z",
      },
    },
    ...problems(ADMIN, NOT_FOUND, { 409: ["invalid_state"] }, STORE),
  },
};

const EVENT_ID = /^\d{1,20}-\d{1,20}$/;

/** The admin actor, or 403. */
function requireAdmin(caller: Caller): void {
  if (caller.kind !== "client" || !caller.admin) {
    throw new Forbidden("admin_required", "Managing webhooks needs an admin service client");
  }
}

/** The webhook id of the path, or 404. */
function hookId(c: Parameters<typeof pathParam>[0]): string {
  const id = pathParam(c, "id");
  if (!WEBHOOK_ID.test(id)) throw new NotFound("No such webhook");
  return id;
}

/** Builds the webhook routes (mounted at `/`). */
export function webhookRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  for (const path of ["/v1/webhooks", "/v1/webhooks/*"]) {
    routes.use(path, authenticate(ctx, { clients: true }));
    routes.use(path, async (c, next) => {
      requireAdmin(c.get("caller"));
      c.header("Cache-Control", "no-store");
      await next();
    });
  }

  defineRoute(routes, CREATE, async (c) => {
    const input = await readJson(c, webhookCreateSchema);
    const { webhook, secret } = await createWebhook(ctx, input);
    return c.json({ ...webhook, secret }, 201);
  });

  defineRoute(routes, LIST, async (c) => c.json({ webhooks: await listWebhookViews(ctx) }));

  defineRoute(routes, SHOW, async (c) => c.json(await showWebhook(ctx, hookId(c))));

  defineRoute(routes, UPDATE, async (c) => {
    const id = hookId(c);
    return c.json(await updateWebhook(ctx, id, await readJson(c, webhookUpdateSchema)));
  });

  defineRoute(routes, DELETE, async (c) => {
    await deleteWebhook(ctx, hookId(c));
    return c.body(null, 204);
  });

  defineRoute(routes, DELIVERIES, async (c) => {
    const { limit } = parseWith(deliveriesQuerySchema, c.req.query());
    return c.json({ deliveries: await listDeliveryViews(ctx, hookId(c), limit) });
  });

  defineRoute(routes, REDELIVER, async (c) => {
    const id = hookId(c);
    const delivery = pathParam(c, "delivery");
    if (!EVENT_ID.test(delivery)) throw new NotFound("No such delivery");
    return c.json(await redeliver(ctx, id, delivery), 202);
  });

  return routes;
}
