/**
 * The Status List Token (draft-ietf-oauth-status-list, section 5.1): a JWT of type
 * `statuslist+jwt` whose `sub` is the list's URI, carrying the zlib-compressed 2-bit list, its
 * `ttl`, and an `exp` that bounds how long a copy may be relied on. Signed with the active key.
 *
 * @example
 * ```ts
 * const jwt = await signStatusListToken(ctx, "k3v9q2m7xa-0");
 * ```
 * @module
 */
import { SignJWT } from "jose";
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { NotFound } from "../errors.js";
import { statusListUri } from "../tokens/issue-token.js";
import { STATUS_LIST_TOKEN_TYPE } from "../verifier/claims.js";
import { toLowS } from "../verifier/low-s.js";
import { compressStatusList } from "./codec.js";

/** How long a status list token stays valid: ten `ttl`s, at least ten minutes. */
export function statusListLifetime(ttlSeconds: number): number {
  return Math.max(600, ttlSeconds * 10);
}

/**
 * Signs the current state of a status list.
 *
 * @throws {NotFound} when no such list was allocated in this store's epoch.
 */
export async function signStatusListToken(ctx: IssuerContext, list: string): Promise<string> {
  const bytes = await ctx.store.readStatusList(list);
  if (!bytes) throw new NotFound("No such status list");
  const now = epochSeconds(ctx.clock);
  const ttl = ctx.config.statusList.ttlSeconds;
  const signing = await ctx.keyring.signingKey();
  const jwt = await new SignJWT({
    sub: statusListUri(ctx.config.issuer, list),
    iat: now,
    exp: now + statusListLifetime(ttl),
    ttl,
    status_list: { bits: 2, lst: await compressStatusList(bytes) },
  })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: STATUS_LIST_TOKEN_TYPE })
    .setIssuer(ctx.config.issuer)
    .sign(signing.privateKey);
  return toLowS(signing.alg, jwt);
}
