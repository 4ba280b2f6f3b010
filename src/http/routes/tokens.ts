/**
 * `/v1/tokens`: mint (service clients for any subject; users with `manage_tokens` for themselves,
 * only narrower than the presented token), list, show and revoke (service clients, or users for
 * their own tokens), and `self` for the presented token.
 * @module
 */
import { Hono } from "hono";
import type { IssuerContext } from "../../context.js";
import { Forbidden, InvalidRequest, NotFound } from "../../errors.js";
import { issueToken } from "../../tokens/issue-token.js";
import { IDENTIFIER, mintRequestSchema } from "../../tokens/mint-request.js";
import { changeTokenState, ensureRevoked } from "../../tokens/token-state.js";
import { tokenView } from "../../tokens/token-view.js";
import { type AuthVariables, authenticate, requireManagement } from "../authenticate.js";
import { parseWith, readJsonValue } from "../request-body.js";
import { actorOf, findManagedToken, issuedBody, mintActorOf } from "./token-access.js";
import { tokenLifecycleRoutes } from "./token-lifecycle.js";

/** Builds the `/v1/tokens` routes. */
export function tokenRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.use(authenticate(ctx));
  routes.route("/", tokenLifecycleRoutes(ctx));

  routes.post("/", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const body = await readJsonValue(c);
    const request = parseWith(
      mintRequestSchema,
      caller.kind === "user" ? forOwnSubject(body, caller.claims.sub) : body,
    );
    const issued = await issueToken(ctx, request, mintActorOf(caller), {
      ...(caller.kind === "user" ? { reason: "self_service" } : {}),
    });
    c.header("Cache-Control", "no-store");
    c.header("Location", `${ctx.config.issuer}/v1/tokens/${issued.stored.record.id}`);
    return c.json(issuedBody(issued), 201);
  });

  routes.get("/", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    let subject: string;
    if (caller.kind === "user") subject = caller.claims.sub;
    else {
      const requested = c.req.query("subject");
      if (!requested || !IDENTIFIER.test(requested)) {
        throw new InvalidRequest("invalid_request", "Service clients list by ?subject=");
      }
      subject = requested;
    }
    const tokens = await ctx.store.listTokens(subject);
    return c.json({ tokens: tokens.map(tokenView) });
  });

  routes.get("/self", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user") throw new NotFound("A service client has no self token");
    return c.json(tokenView(caller.stored));
  });

  routes.delete("/self", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user") throw new NotFound("A service client has no self token");
    await changeTokenState(ctx, caller.stored, "revoked", {
      actor: actorOf(caller),
      reason: "self",
    });
    return c.body(null, 204);
  });

  routes.get("/:id", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    return c.json(tokenView(await findManagedToken(ctx, caller, c.req.param("id"))));
  });

  routes.delete("/:id", async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, c.req.param("id"));
    await ensureRevoked(ctx, stored, { actor: actorOf(caller), reason: "api" });
    return c.body(null, 204);
  });

  return routes;
}

/** A user mints for themselves: the subject is implied and may not name anyone else. */
function forOwnSubject(body: unknown, subject: string): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const requested = (body as { subject?: unknown }).subject;
  if (requested !== undefined && requested !== subject) {
    throw new Forbidden("wider_than_parent", "A token can only mint for its own subject");
  }
  return { ...body, subject };
}
