/**
 * What the `/v1/tokens` route modules share: who the caller is for audit and minting, the answer
 * of a mint or rotation, and loading a token the caller may manage.
 * @module
 */

import { selfServiceKinds } from "../../config/token-kinds.js";
import type { IssuerContext } from "../../context.js";
import { NotFound } from "../../errors.js";
import type { StoredToken } from "../../store/types.js";
import type { IssuedToken, MintActor } from "../../tokens/issue-token.js";
import { checkTargetWithin } from "../../tokens/token-power.js";
import { tokenView } from "../../tokens/token-view.js";
import type { Caller } from "../authenticate.js";

const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The audit actor string for a caller (never the token). */
export function actorOf(caller: Caller): string {
  return caller.kind === "client" ? `client:${caller.clientId}` : `token:${caller.claims.jti}`;
}

/**
 * The mint actor for a caller: a client mints as itself; a token mints as its own child, and
 * nothing it mints or re-issues may be wider than itself.
 */
export function mintActorOf(caller: Caller): MintActor {
  return caller.kind === "client"
    ? { clientId: caller.clientId, rateLimitClient: caller.clientId, audit: actorOf(caller) }
    : {
        clientId: caller.claims.jti,
        rateLimitClient: caller.claims.client_id,
        audit: actorOf(caller),
        presented: caller.stored.record,
      };
}

/** The answer to a successful mint or rotation: the token once, and its record. */
export function issuedBody(issued: IssuedToken) {
  const { id, ...view } = tokenView(issued.stored);
  return { id, token: issued.token, ...view };
}

/**
 * Refuses a bearer caller's update, rotation or resume of a token wider than the presented one.
 *
 * @throws {Forbidden} `wider_than_caller`.
 */
export function requireWithinCaller(
  ctx: IssuerContext,
  caller: Caller,
  target: StoredToken,
  action: string,
): void {
  if (caller.kind === "user") {
    checkTargetWithin(
      caller.stored.record,
      target.record,
      action,
      selfServiceKinds(ctx.config.kinds),
    );
  }
}

/** Loads a token the caller may manage, or answers 404 (another subject's tokens do not exist). */
export async function findManagedToken(
  ctx: IssuerContext,
  caller: Caller,
  id: string,
): Promise<StoredToken> {
  if (!TOKEN_ID.test(id)) throw new NotFound("No such token");
  const stored = await ctx.store.getToken(id);
  if (!stored || (caller.kind === "user" && stored.record.sub !== caller.claims.sub)) {
    throw new NotFound("No such token");
  }
  return stored;
}

/** An example token string for the document (not a valid signature). */
export const TOKEN_EXAMPLE =
  "tmpat_eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.e30.c2ln";

/** An example mint answer (the tests validate it against `IssuedToken`). */
export const ISSUED_EXAMPLE = {
  id: "VY0lq2mC8n1Jx7d3sQ4t5w",
  token: TOKEN_EXAMPLE,
  name: "ci deploy",
  description: "deploys from CI",
  subject: "alice",
  scope: ["read_api", "read_project"],
  permissions: { read_project: ["gid://gitlab/Project/42"] },
  org: "acme",
  cell: "eu-1",
  audience: ["https://api.example.com"],
  allowed_ips: ["10.0.0.0/8", "2001:db8::/32"],
  client_id: "platform",
  family: "VY0lq2mC8n1Jx7d3sQ4t5w",
  kind: "pat",
  state: "active",
  approval: null,
  created_at: "2026-11-23T12:00:00.000Z",
  expires_at: "2026-11-23T13:00:00.000Z",
  last_used_at: null,
  last_used_ips: [],
};

/** An example token as listed and shown (the tests validate it against `Token`). */
export const TOKEN_VIEW_EXAMPLE = (({ token: _secret, ...view }) => view)(ISSUED_EXAMPLE);
