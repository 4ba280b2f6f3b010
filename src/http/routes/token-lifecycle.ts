/**
 * The token lifecycle under `/v1/tokens`: update in place (or rotate, when scope, permissions or
 * audience change), rotate, suspend, resume, and mass revocation.
 * @module
 */
import { Hono } from "hono";
import { recordAudit } from "../../audit/record-audit.js";
import type { IssuerContext } from "../../context.js";
import { Conflict, Forbidden } from "../../errors.js";
import type { StoredToken, TokenState } from "../../store/types.js";
import {
  massRevocationSchema,
  rotateRequestSchema,
  updateRequestSchema,
} from "../../tokens/lifecycle-requests.js";
import { rotateToken } from "../../tokens/rotate-token.js";
import { changeTokenState, revokeIndex } from "../../tokens/token-state.js";
import { tokenView } from "../../tokens/token-view.js";
import { type AuthVariables, type Caller, requireManagement } from "../authenticate.js";
import { readJson } from "../request-body.js";
import {
  actorOf,
  findManagedToken,
  issuedBody,
  mintActorOf,
  requireWithinCaller,
} from "./token-access.js";

/** Reads an optional JSON body: an empty body counts as `{}`. */
async function optionalBody<T>(
  c: Parameters<typeof readJson>[0],
  read: () => Promise<T>,
): Promise<T | Record<string, never>> {
  const length = c.req.header("content-length");
  if ((length === undefined || length === "0") && !c.req.header("content-type")) return {};
  return read();
}

async function rotateAnswer(
  ctx: IssuerContext,
  caller: Caller,
  old: StoredToken,
  changes: Parameters<typeof rotateToken>[3],
) {
  const issued = await rotateToken(ctx, old, mintActorOf(caller), changes);
  return { rotated_from: old.record.id, ...issuedBody(issued) };
}

async function move(
  ctx: IssuerContext,
  caller: Caller,
  stored: StoredToken,
  from: TokenState,
  to: TokenState,
) {
  if (!(await ctx.store.transitionTokenState(stored.record.id, [from], to))) {
    throw new Conflict("invalid_state", `The token is ${stored.state}, not ${from}`);
  }
  await changeTokenState(ctx, stored, to, { actor: actorOf(caller), reason: "api" });
}

/**
 * Builds the lifecycle routes; mounted by {@link tokenRoutes} behind its authentication (so a
 * request is authenticated once).
 */
export function tokenLifecycleRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();

  routes.post("/revoke-all", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") {
      throw new Forbidden("client_required", "Mass revocation is for service clients");
    }
    const body = await readJson(c, massRevocationSchema);
    const index =
      body.subject !== undefined
        ? { subject: body.subject }
        : body.org !== undefined
          ? { org: body.org }
          : { family: body.family as string };
    const revoked = await revokeIndex(ctx, index, {
      actor: actorOf(caller),
      reason: body.reason ?? "mass_revocation",
    });
    return c.json({ revoked });
  });

  routes.post("/self/rotate", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user")
      throw new Forbidden("token_required", "Present the token to rotate");
    const changes = await optionalBody(c, () => readJson(c, rotateRequestSchema));
    c.header("Cache-Control", "no-store");
    return c.json(await rotateAnswer(ctx, caller, caller.stored, changes), 201);
  });

  routes.post("/:id/rotate", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const old = await findManagedToken(ctx, caller, c.req.param("id"));
    const changes = await optionalBody(c, () => readJson(c, rotateRequestSchema));
    c.header("Cache-Control", "no-store");
    return c.json(await rotateAnswer(ctx, caller, old, changes), 201);
  });

  routes.patch("/:id", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, c.req.param("id"));
    const body = await readJson(c, updateRequestSchema);
    requireWithinCaller(caller, stored, "update");
    const { name, description, ...changes } = body;
    const rotates = Object.values(changes).some((value) => value !== undefined);
    if (rotates) {
      // The successor carries the new name and description: one rotation, checked before any write.
      c.header("Cache-Control", "no-store");
      const rotation = await rotateAnswer(ctx, caller, stored, body);
      return c.json({ rotated: true, ...rotation }, 201);
    }
    await ctx.store.updateTokenDetails(stored.record.id, {
      ...(name === undefined ? {} : { name }),
      ...(description === undefined ? {} : { description }),
    });
    await recordAudit(ctx, {
      type: "token.updated",
      actor: actorOf(caller),
      jti: stored.record.id,
      sub: stored.record.sub,
      reason: "api",
    });
    const updated = (await ctx.store.getToken(stored.record.id)) ?? stored;
    return c.json({ rotated: false, ...tokenView(updated) });
  });

  routes.post("/:id/suspend", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, c.req.param("id"));
    await move(ctx, caller, stored, "active", "suspended");
    return c.json(tokenView({ ...stored, state: "suspended" }));
  });

  routes.post("/:id/resume", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, c.req.param("id"));
    requireWithinCaller(caller, stored, "resume");
    await move(ctx, caller, stored, "suspended", "active");
    return c.json(tokenView({ ...stored, state: "active" }));
  });

  return routes;
}
