/**
 * OAuth endpoints: `POST /v1/introspect` (RFC 7662, service clients) and `POST /v1/revoke`
 * (RFC 7009; presenting a token is enough to revoke it, which makes this the public path for
 * reporting a leaked token; unknown and invalid tokens answer 200).
 * @module
 */
import { TokenVerificationFailed } from "@tokenmint/verifier";
import { verifyAccessTokenJwt } from "@tokenmint/verifier/jwt";
import { Hono } from "hono";
import type { IssuerContext } from "../../context.js";
import { InvalidRequest } from "../../errors.js";
import { inspectToken } from "../../tokens/inspect-token.js";
import { claimsFor } from "../../tokens/issue-token.js";
import { ensureRevoked } from "../../tokens/token-state.js";
import { type AuthVariables, authenticate } from "../authenticate.js";
import { plainResponse } from "../plain-response.js";
import { readForm } from "../request-body.js";

function tokenParameter(form: Record<string, string>): string {
  const token = form.token;
  if (!token) throw new InvalidRequest("invalid_request", "The token parameter is required");
  return token;
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

  routes.post("/introspect", authenticate(ctx, { clients: true }), async (c) => {
    const token = tokenParameter(await readForm(c));
    try {
      const { stored } = await inspectToken(ctx, token, { record: true });
      const claims = claimsFor(stored.record, ctx.config.issuer);
      return introspection({ active: true, token_type: "Bearer", ...claims });
    } catch (error) {
      if (error instanceof TokenVerificationFailed && error.status === 401) {
        return introspection({ active: false });
      }
      throw error;
    }
  });

  routes.post("/revoke", async (c) => {
    const token = tokenParameter(await readForm(c));
    c.header("Cache-Control", "no-store");
    let jti: string;
    try {
      // Signature and issuer must hold (so nobody can revoke by guessing ids); expiry need not.
      const claims = await verifyAccessTokenJwt(token, {
        issuer: ctx.config.issuer,
        algorithms: await ctx.keyring.algorithms(),
        prefix: ctx.config.tokenPrefix,
        // A genuine token minted under a larger limit must still be revocable: only the body bounds it.
        maxLength: ctx.config.maxBodyBytes,
        getKey: ctx.keyring.getKey,
        signatures: ctx.keyring.signatures,
        allowNoExpiry: true,
        clockTolerance: Number.MAX_SAFE_INTEGER,
        now: ctx.clock,
      });
      jti = claims.jti;
    } catch (error) {
      if (error instanceof TokenVerificationFailed && error.status === 401)
        return c.body(null, 200);
      throw error;
    }
    const stored = await ctx.store.getToken(jti);
    if (stored) {
      await ensureRevoked(ctx, stored, { actor: `token:${jti}`, reason: "rfc7009" });
    }
    return c.body(null, 200);
  });

  return routes;
}
