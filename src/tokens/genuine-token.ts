/**
 * Whether a presented token is one this issuer signed: signature by a published key, this issuer,
 * a configured prefix matching its `kind` claim. Expiry does not matter, so a revocation or a leak
 * report reaches a token however old it is; only the body size bounds its length.
 *
 * @example
 * ```ts
 * const jti = await genuineTokenId(ctx, presented); // undefined: not one of ours
 * ```
 * @module
 */
import { TokenVerificationFailed } from "@tokenmint/verifier";
import { verifyAccessTokenJwt } from "@tokenmint/verifier/jwt";
import { kindPrefixes } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";

/**
 * The `jti` of a token this issuer signed (expired or not), or undefined when it is not one.
 *
 * @throws {StoreUnavailable} when the keyring cannot be read (never "not ours" when unsure).
 */
export async function genuineTokenId(
  ctx: IssuerContext,
  token: string,
): Promise<string | undefined> {
  try {
    const claims = await verifyAccessTokenJwt(token, {
      issuer: ctx.config.issuer,
      algorithms: await ctx.keyring.algorithms(),
      prefixes: kindPrefixes(ctx.config.kinds),
      // A genuine token minted under a larger length limit is still genuine: the body bounds it.
      maxLength: ctx.config.maxBodyBytes,
      getKey: ctx.keyring.getKey,
      signatures: ctx.keyring.signatures,
      allowNoExpiry: true,
      clockTolerance: Number.MAX_SAFE_INTEGER,
      now: ctx.clock,
    });
    return claims.jti;
  } catch (error) {
    if (error instanceof TokenVerificationFailed && error.status === 401) return undefined;
    throw error;
  }
}
