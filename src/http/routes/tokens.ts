/**
 * `/v1/tokens`: mint (service clients for any subject; users with `manage_tokens` for themselves,
 * only narrower than the presented token), list, show and revoke (service clients, or users for
 * their own tokens), and `self` for the presented token.
 * @module
 */
import { Hono } from "hono";
import type { IssuerContext } from "../../context.js";
import { Forbidden, InvalidRequest, NotFound } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import {
  BEARER_OR_CLIENT,
  DURABLE_WRITE,
  ISSUING,
  JSON_BODY,
  MANAGED_TOKEN,
  problems,
  STORE,
} from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import type { TokenState } from "../../store/types.js";
import { issueToken } from "../../tokens/issue-token.js";
import { LISTED_STATES, listTokensBy } from "../../tokens/list-tokens.js";
import { IDENTIFIER, mintRequestSchema } from "../../tokens/mint-request.js";
import { changeTokenState, ensureRevoked } from "../../tokens/token-state.js";
import { tokenView } from "../../tokens/token-view.js";
import { type AuthVariables, authenticate, requireManagement } from "../authenticate.js";
import { defineRoute, pathParam } from "../define-route.js";
import { plainResponse } from "../plain-response.js";
import { parseWith, readJsonValue } from "../request-body.js";
import {
  actorOf,
  findManagedToken,
  ISSUED_EXAMPLE,
  issuedBody,
  mintActorOf,
  TOKEN_VIEW_EXAMPLE,
} from "./token-access.js";
import { tokenLifecycleRoutes } from "./token-lifecycle.js";

const MINT_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens",
  operationId: "mintToken",
  tag: "tokens",
  summary: "Mint a token",
  description:
    'Service clients mint for any `subject`; a user with `manage_tokens` mints for themselves, never wider than the presented token (org, audience, kind, narrowings and a clamped expiry are inherited when left out; another `kind` only when both are self-service kinds). `kind` (default `pat`) picks the token kind: its prefix, the scopes and lifetimes it allows. At most one of `expires_in` and `expires_at`. The token is in this answer only. A token of an org whose policy has `require_approval` is answered 201 with `state: "pending"`: it does not work until a service client approves it (`POST /v1/tokens/{id}/approve`); a service client may send `approved: true` to mint it active (403 `client_required` from a bearer caller).',
  security: ["client", "user"],
  body: {
    schema: named("MintRequest", mintRequestSchema),
    contentType: "application/json",
    required: true,
    example: {
      subject: "alice",
      name: "ci deploy",
      description: "deploys from CI",
      scope: ["read_api", "read_project"],
      permissions: { read_project: ["gid://gitlab/Project/42"] },
      org: "acme",
      audience: ["https://api.example.com"],
      allowed_ips: ["10.0.0.0/8", "2001:db8::/32"],
      expires_in: 3600,
    },
  },
  responses: {
    201: { description: "Minted", schema: Answers.IssuedToken, example: ISSUED_EXAMPLE },
    ...problems(
      JSON_BODY,
      ISSUING,
      BEARER_OR_CLIENT,
      {
        403: [
          "insufficient_scope",
          "wider_than_parent",
          "kind_not_self_service",
          "client_required",
        ],
        409: ["token_limit_reached"],
      },
      STORE,
    ),
  },
};

const LIST_TOKENS: Operation = {
  method: "get",
  path: "/v1/tokens",
  operationId: "listTokens",
  tag: "tokens",
  summary: "List tokens, newest first",
  security: ["client", "user"],
  description:
    "Service clients name `subject` or `org` (or both); users always see their own. `state` keeps one state, e.g. `?org=acme&state=pending`: the tokens waiting for the org's approval.",
  extraQuery: {
    subject: "Service clients: whose tokens (users always see their own)",
    org: "Only this organization's tokens (service clients may list by org alone)",
    state: "Only tokens in this state: active, pending, suspended, revoked or rotated",
  },
  responses: {
    200: {
      description: "The tokens (never the secrets)",
      schema: Answers.TokenList,
      example: { tokens: [TOKEN_VIEW_EXAMPLE] },
    },
    ...problems(
      { 400: ["invalid_request"] },
      BEARER_OR_CLIENT,
      { 403: ["insufficient_scope"] },
      STORE,
    ),
  },
};

const SELF = problems(BEARER_OR_CLIENT, { 404: ["not_found"] }, STORE);

const SHOW_SELF: Operation = {
  method: "get",
  path: "/v1/tokens/self",
  operationId: "showSelf",
  tag: "tokens",
  summary: "Show the presented token",
  security: ["user"],
  responses: {
    200: { description: "The token", schema: Answers.Token, example: TOKEN_VIEW_EXAMPLE },
    ...SELF,
  },
};

const REVOKE_SELF: Operation = {
  method: "delete",
  path: "/v1/tokens/self",
  operationId: "revokeSelf",
  tag: "tokens",
  summary: "Revoke the presented token",
  security: ["user"],
  responses: {
    204: { description: "Revoked" },
    ...problems(BEARER_OR_CLIENT, { 404: ["not_found"] }, DURABLE_WRITE),
  },
};

const SHOW_TOKEN: Operation = {
  method: "get",
  path: "/v1/tokens/{id}",
  operationId: "showToken",
  tag: "tokens",
  summary: "Show a token",
  security: ["client", "user"],
  responses: {
    200: { description: "The token", schema: Answers.Token, example: TOKEN_VIEW_EXAMPLE },
    ...problems(MANAGED_TOKEN),
  },
};

const REVOKE_TOKEN: Operation = {
  method: "delete",
  path: "/v1/tokens/{id}",
  operationId: "revokeToken",
  tag: "tokens",
  summary: "Revoke a token",
  security: ["client", "user"],
  responses: {
    204: { description: "Revoked (also when it already was)" },
    ...problems(MANAGED_TOKEN, DURABLE_WRITE),
  },
};

/** Builds the `/v1/tokens` routes. */
export function tokenRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  routes.use("/v1/tokens/*", authenticate(ctx));
  routes.route("/", tokenLifecycleRoutes(ctx));

  defineRoute(routes, MINT_TOKEN, async (c) => {
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
    return plainResponse(JSON.stringify(issuedBody(issued)), 201, {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      Location: `${ctx.config.issuer}/v1/tokens/${issued.stored.record.id}`,
    });
  });

  defineRoute(routes, LIST_TOKENS, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const org = queryParam(c.req.query("org"), "org", (value) => IDENTIFIER.test(value));
    const state = queryParam(c.req.query("state"), "state", (value) =>
      (LISTED_STATES as readonly string[]).includes(value),
    ) as TokenState | undefined;
    const subject =
      caller.kind === "user"
        ? caller.claims.sub
        : queryParam(c.req.query("subject"), "subject", (value) => IDENTIFIER.test(value));
    if (subject === undefined && org === undefined) {
      throw new InvalidRequest("invalid_request", "Service clients list by ?subject= or ?org=", [
        { path: "subject", message: "required" },
      ]);
    }
    const tokens = await listTokensBy(ctx, { subject, org, state });
    return c.json({ tokens: tokens.map(tokenView) });
  });

  defineRoute(routes, SHOW_SELF, async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user") throw new NotFound("A service client has no self token");
    return c.json(tokenView(caller.stored));
  });

  defineRoute(routes, REVOKE_SELF, async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user") throw new NotFound("A service client has no self token");
    await changeTokenState(ctx, caller.stored, "revoked", {
      actor: actorOf(caller),
      reason: "self",
    });
    return c.body(null, 204);
  });

  defineRoute(routes, SHOW_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    return c.json(tokenView(await findManagedToken(ctx, caller, pathParam(c, "id"))));
  });

  defineRoute(routes, REVOKE_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, pathParam(c, "id"));
    await ensureRevoked(ctx, stored, { actor: actorOf(caller), reason: "api" });
    return c.body(null, 204);
  });

  return routes;
}

/** An optional query parameter, refused when present and not `valid`. */
function queryParam(
  value: string | undefined,
  name: string,
  valid: (value: string) => boolean,
): string | undefined {
  if (value === undefined) return undefined;
  if (!valid(value)) {
    throw new InvalidRequest("invalid_request", `?${name}= has an invalid value`, [
      { path: name, message: "has an invalid value" },
    ]);
  }
  return value;
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
