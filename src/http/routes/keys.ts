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
import { type AuthVariables, authenticate, type Caller } from "../authenticate.js";
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

/** Builds the key routes (mounted under `/v1/keys`). */
export function keyRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.use("*", authenticate(ctx, { clients: true }));
  routes.use("*", async (c, next) => {
    adminActor(c.get("caller"));
    c.header("Cache-Control", "no-store");
    await next();
  });

  routes.get("/", async (c) => c.json(await describeKeyring(ctx)));

  routes.post("/rotate", async (c) => {
    const actor = adminActor(c.get("caller"));
    const { force, reason } = await optionalJson(c, keyRotateRequestSchema);
    await rotateKeysNow(ctx, actor, {
      ...(force === undefined ? {} : { force }),
      reason: reason ?? "api",
    });
    return c.json(await describeKeyring(ctx));
  });

  routes.post("/:kid/revoke", async (c) => {
    const actor = adminActor(c.get("caller"));
    const kid = c.req.param("kid");
    if (!KID.test(kid)) throw new NotFound("No such signing key");
    const { reason } = await optionalJson(c, keyRevokeRequestSchema);
    await revokeSigningKey(ctx, kid, actor, reason ?? "api");
    return c.json(await describeKeyring(ctx));
  });

  return routes;
}
