/**
 * OAuth endpoints: `POST /v1/introspect` (RFC 7662, service clients) and `POST /v1/revoke`
 * (RFC 7009; presenting a token is enough to revoke it, which makes this the public path for
 * reporting a leaked token; unknown and invalid tokens answer 200).
 * @module
 */
import { TokenVerificationFailed } from "@tokenmint/verifier";
import { Hono } from "hono";
import { z } from "zod";
import type { IssuerContext } from "../../context.js";
import { noteIntrospection } from "../../metrics/issuer-metrics.js";
import { named, type Operation } from "../../openapi/operation.js";
import {
  AUTHENTICATED,
  DURABLE_WRITE,
  FORM_BODY,
  problems,
  STORE,
} from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import { genuineTokenId } from "../../tokens/genuine-token.js";
import { inspectToken } from "../../tokens/inspect-token.js";
import { claimsFor } from "../../tokens/issue-token.js";
import { ensureRevoked } from "../../tokens/token-state.js";
import { type AuthVariables, authenticate } from "../authenticate.js";
import { defineRoute } from "../define-route.js";
import { plainResponse } from "../plain-response.js";
import { parseWith, readForm } from "../request-body.js";
import { TOKEN_EXAMPLE } from "./token-access.js";

/** The RFC 7009 / RFC 7662 form: `token=…` (other parameters are ignored, as both RFCs allow). */
export const tokenFormSchema = z.object({
  token: z.string().min(1),
  token_type_hint: z.string().optional(),
});

const TOKEN_FORM = {
  schema: named("TokenForm", tokenFormSchema),
  contentType: "application/x-www-form-urlencoded",
  required: true,
  example: { token: TOKEN_EXAMPLE },
} as const;

const REVOKE_OAUTH: Operation = {
  method: "post",
  path: "/v1/revoke",
  operationId: "revokeOAuth",
  tag: "oauth",
  summary: "RFC 7009 revocation (also the public leaked-token report path)",
  description: "Presenting a token is enough to revoke it. Unknown and invalid tokens answer 200.",
  security: ["none"],
  body: TOKEN_FORM,
  responses: {
    200: { description: "Revoked, or nothing to revoke" },
    ...problems(FORM_BODY, DURABLE_WRITE),
  },
};

const INTROSPECT: Operation = {
  method: "post",
  path: "/v1/introspect",
  operationId: "introspect",
  tag: "oauth",
  summary: "RFC 7662 introspection, exact and online",
  security: ["client"],
  body: TOKEN_FORM,
  responses: {
    200: {
      description: "The token's claims when active",
      schema: Answers.Introspection,
      example: { active: false },
    },
    ...problems(FORM_BODY, AUTHENTICATED, STORE),
  },
};

async function tokenParameter(c: Parameters<typeof readForm>[0]): Promise<string> {
  return parseWith(tokenFormSchema, await readForm(c)).token;
}

/** An RFC 7662 answer (never cached; problem answers carry `no-store` too). */
function introspection(answer: Record<string, unknown>): Response {
  return plainResponse(JSON.stringify(answer), 200, {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
  });
}

/** Builds the OAuth routes. */
export function oauthRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();

  defineRoute(routes, INTROSPECT, [authenticate(ctx, { clients: true })], async (c) => {
    const token = await tokenParameter(c);
    try {
      const { stored } = await inspectToken(ctx, token, { record: true });
      const claims = claimsFor(stored.record, ctx.config.issuer);
      noteIntrospection(ctx, true);
      return introspection({ active: true, token_type: "Bearer", ...claims });
    } catch (error) {
      if (error instanceof TokenVerificationFailed && error.status === 401) {
        noteIntrospection(ctx, false);
        return introspection({ active: false });
      }
      throw error;
    }
  });

  defineRoute(routes, REVOKE_OAUTH, async (c) => {
    const token = await tokenParameter(c);
    c.header("Cache-Control", "no-store");
    // Signature and issuer must hold (so nobody can revoke by guessing ids); expiry need not.
    const jti = await genuineTokenId(ctx, token);
    if (jti === undefined) return c.body(null, 200);
    const stored = await ctx.store.getToken(jti);
    if (stored) {
      await ensureRevoked(ctx, stored, { actor: `token:${jti}`, reason: "rfc7009" });
    }
    return c.body(null, 200);
  });

  return routes;
}
