/**
 * The signing-key admin endpoints (admin service clients only, `TOKENMINT_ADMIN_CLIENTS`):
 *
 * - `GET /v1/keys`: states and times of every key (never private material);
 * - `POST /v1/keys/rotate`: the published `next` key signs from now on (`{"force": true}` skips
 *   the pre-publication check);
 * - `POST /v1/keys/{kid}/revoke`: a compromised key leaves the JWKS at once.
 *
 * Each change answers with the keyring as it is afterwards.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { IssuerContext } from "../../context.js";
import { Forbidden, NotFound } from "../../errors.js";
import { describeKeyring } from "../../keys/key-view.js";
import { revokeSigningKey, rotateKeysNow } from "../../keys/rotation.js";
import { named, type Operation } from "../../openapi/operation.js";
import { ADMIN, DURABLE_WRITE, JSON_BODY, problems, STORE } from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import { type AuthVariables, authenticate, type Caller } from "../authenticate.js";
import { defineRoute, pathParam } from "../define-route.js";
import { parseWith, readJsonValue } from "../request-body.js";

/** `POST /v1/keys/rotate`. */
export const keyRotateRequestSchema = z.strictObject({
  force: z.boolean().optional(),
  reason: z.string().max(200).optional(),
});
/** `POST /v1/keys/{kid}/revoke`. */
export const keyRevokeRequestSchema = z.strictObject({ reason: z.string().max(200).optional() });

const KID = /^[A-Za-z0-9_-]{1,128}$/;

/** The admin actor, or 403. */
function adminActor(caller: Caller): string {
  if (caller.kind !== "client" || !caller.admin) {
    throw new Forbidden("admin_required", "Managing signing keys needs an admin service client");
  }
  return `client:${caller.clientId}`;
}

/** An optional JSON body: none (or empty) reads as `{}`. */
async function optionalJson<T extends z.ZodType>(
  c: Parameters<typeof readJsonValue>[0],
  schema: T,
): Promise<z.output<T>> {
  const empty = (c.req.header("content-length") ?? "") === "0" || !c.req.header("content-type");
  return parseWith(schema, empty ? {} : await readJsonValue(c));
}

const KEYRING_EXAMPLE = {
  keys: [
    {
      kid: "k2",
      alg: "ES256",
      state: "active",
      published: true,
      created_at: "2026-11-01T00:00:00.000Z",
      activated_at: "2026-11-02T00:00:00.000Z",
      retired_at: null,
      revoked_at: null,
      latest_exp: "2026-12-23T12:00:00.000Z",
      signed_non_expiring: false,
      unpublish_at: null,
      kek: "kek-1",
    },
  ],
  rotation: {
    period_seconds: 7776000,
    prepublication_seconds: 86400,
    next_rotation_at: "2027-01-31T00:00:00.000Z",
  },
};

const LIST_KEYS: Operation = {
  method: "get",
  path: "/v1/keys",
  operationId: "listKeys",
  tag: "keys",
  summary: "Signing keys: states and times (never private material)",
  security: ["admin"],
  responses: {
    200: { description: "The keyring", schema: Answers.Keyring, example: KEYRING_EXAMPLE },
    ...problems(ADMIN, STORE),
  },
};

const ROTATE_KEYS: Operation = {
  method: "post",
  path: "/v1/keys/rotate",
  operationId: "rotateKeys",
  tag: "keys",
  summary: "The published next key signs from now on",
  description: "`force` skips the pre-publication check (verifiers may not know the key yet).",
  security: ["admin"],
  body: {
    schema: named("KeyRotateRequest", keyRotateRequestSchema),
    contentType: "application/json",
    required: false,
    example: { reason: "quarterly rotation" },
  },
  responses: {
    200: {
      description: "The keyring afterwards",
      schema: Answers.Keyring,
      example: KEYRING_EXAMPLE,
    },
    ...problems(JSON_BODY, ADMIN, { 409: ["next_key_not_ready", "no_next_key"] }, STORE),
  },
};

const REVOKE_KEY: Operation = {
  method: "post",
  path: "/v1/keys/{kid}/revoke",
  operationId: "revokeKey",
  tag: "keys",
  summary: "Revoke a signing key: it leaves the JWKS at once, every token it signed dies",
  security: ["admin"],
  body: {
    schema: named("KeyRevokeRequest", keyRevokeRequestSchema),
    contentType: "application/json",
    required: false,
    example: { reason: "compromised" },
  },
  responses: {
    200: {
      description: "The keyring afterwards",
      schema: Answers.Keyring,
      example: KEYRING_EXAMPLE,
    },
    ...problems(JSON_BODY, ADMIN, { 404: ["not_found"] }, DURABLE_WRITE),
  },
};

/** Builds the key routes (mounted at `/`). */
export function keyRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.use("/v1/keys/*", authenticate(ctx, { clients: true }));
  routes.use("/v1/keys/*", async (c, next) => {
    adminActor(c.get("caller"));
    c.header("Cache-Control", "no-store");
    await next();
  });

  defineRoute(routes, LIST_KEYS, async (c) => c.json(await describeKeyring(ctx)));

  defineRoute(routes, ROTATE_KEYS, async (c) => {
    const actor = adminActor(c.get("caller"));
    const { force, reason } = await optionalJson(c, keyRotateRequestSchema);
    await rotateKeysNow(ctx, actor, {
      ...(force === undefined ? {} : { force }),
      reason: reason ?? "api",
    });
    return c.json(await describeKeyring(ctx));
  });

  defineRoute(routes, REVOKE_KEY, async (c) => {
    const actor = adminActor(c.get("caller"));
    const kid = pathParam(c, "kid");
    if (!KID.test(kid)) throw new NotFound("No such signing key");
    const { reason } = await optionalJson(c, keyRevokeRequestSchema);
    await revokeSigningKey(ctx, kid, actor, reason ?? "api");
    return c.json(await describeKeyring(ctx));
  });

  return routes;
}
