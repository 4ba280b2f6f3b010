/**
 * The issuer's own, exact check of a presented token: signature and claims (the same checks the
 * downstream verifier makes), then the live record and status bits in the store. Used by bearer
 * authentication and introspection; records the use (throttled). Presented by a client (bearer
 * authentication, the page's sign-in), a token limited by `allowed_ips` must come from one of them.
 *
 * Signature checks are remembered per exact token string (the downstream verifier's token cache,
 * up to the token's `exp` and at most 5 minutes): a service that introspects the same token on
 * every call pays for one signature check, not one per call. Everything that can change is still
 * read on every call: the signing key must still be published (a revoked key's tokens fail at
 * once), and the record and status bits come from the store.
 *
 * @example
 * ```ts
 * const { claims, stored } = await inspectToken(ctx, token, { ip: "203.0.113.7" });
 * ```
 * @module
 */
import {
  type AccessTokenClaims,
  ClaimInvalid,
  TokenMalformed,
  TokenRevoked,
  TokenSuspended,
  TokenVerificationFailed,
} from "@tokenmint/verifier";
import { toCanonicalJws } from "@tokenmint/verifier/jws";
import {
  checkKindMatchesPrefix,
  createTokenCache,
  verifyCanonicalJws,
} from "@tokenmint/verifier/jwt";
import { epochSeconds } from "../clock.js";
import { parseTokenKind } from "../config/token-kinds.js";
import { type IssuerContext, perContext } from "../context.js";
import { measureChecks } from "../metrics/issuer-metrics.js";
import { statusListUri } from "../status/status-list-uri.js";
import { type StoredToken, TokenStatus } from "../store/types.js";
import { requireAllowedAddress } from "./allowed-ips.js";
import { nonExpiringAllowed, tracksUsage } from "./policy.js";
import { detectReuse } from "./rotate-token.js";
import { recordTokenUse } from "./token-use.js";
import { createUsageThrottle } from "./usage-throttle.js";

/** A token that passed every check, with its record. */
export interface InspectedToken {
  readonly claims: AccessTokenClaims;
  readonly stored: StoredToken;
}

/** A pending token: its status says suspended until its organization approves it. */
export class TokenPendingApproval extends TokenVerificationFailed {
  constructor() {
    super("token_suspended", "The token is waiting for its organization's approval");
  }
}

const verifiedCacheOf = perContext(() => createTokenCache());

/** Signature and claims of `token`, from the cache when this exact string passed before. */
async function verifiedClaims(ctx: IssuerContext, token: string): Promise<AccessTokenClaims> {
  const { config, keyring } = ctx;
  const cache = verifiedCacheOf(ctx);
  const hit = cache.get(token, ctx.clock());
  if (hit) {
    await keyring.getKey(hit.header); // throws KeyUnknown once the key is no longer published
    return hit.claims;
  }
  const prefixed = parseTokenKind(token, config.kinds);
  if (!prefixed) throw new TokenMalformed();
  const jws = toCanonicalJws(prefixed.rest, "", config.maxTokenLength);
  const { claims, header } = await verifyCanonicalJws(jws, {
    issuer: config.issuer,
    algorithms: await keyring.algorithms(),
    getKey: keyring.getKey,
    signatures: keyring.signatures,
    allowNoExpiry: nonExpiringAllowed(config),
    // The issuer's clock is the reference: its own answer allows no skew.
    clockTolerance: 0,
    now: ctx.clock,
  });
  checkKindMatchesPrefix(claims, prefixed.kind.name);
  cache.set(token, { claims, header }, ctx.clock());
  return claims;
}

/** Uses closer together than this are not written again. */
export const USAGE_WRITE_INTERVAL_SECONDS = 60;

const usageThrottleOf = perContext(() => createUsageThrottle(USAGE_WRITE_INTERVAL_SECONDS));

/**
 * Verifies a token exactly, against this issuer's keys and the store (each result is counted in
 * the metrics).
 *
 * @throws {TokenVerificationFailed} (revoked, suspended, expired, forged, unknown…)
 * @throws {StoreUnavailable} when the store cannot answer (never reported as valid).
 */
export const inspectToken = measureChecks(inspectTokenExactly);

async function inspectTokenExactly(
  ctx: IssuerContext,
  token: string,
  use: {
    readonly ip?: string | undefined;
    readonly record?: boolean;
    /** What the token was presented for (audit of reuse detection). */
    readonly purpose?: string;
    /** The token is presented by the client at `ip`: enforce its `allowed_ips`. */
    readonly fromClient?: boolean;
  } = {},
): Promise<InspectedToken> {
  const { config, store } = ctx;
  const claims = await verifiedClaims(ctx, token);
  const { stored, status } = await store.getTokenWithStatus(
    claims.jti,
    statusRefOf(claims, config.issuer),
  );
  if (!stored || stored.record.sub !== claims.sub) throw new TokenRevoked();
  if (stored.state === "rotated") {
    await detectReuse(ctx, stored, use.purpose ?? "authenticate");
    throw new TokenRevoked();
  }
  if (stored.state === "pending") throw new TokenPendingApproval();
  if (status === TokenStatus.suspended || stored.state === "suspended") throw new TokenSuspended();
  if (status !== TokenStatus.valid || stored.state !== "active") throw new TokenRevoked();

  if (use.fromClient) {
    await requireAllowedAddress(ctx, stored, use.ip, use.purpose ?? "authenticate");
  }
  const now = epochSeconds(ctx.clock);
  if (
    use.record !== false &&
    tracksUsage(config, stored.record.kind) &&
    now - (stored.lastUsedAt ?? 0) >= USAGE_WRITE_INTERVAL_SECONDS &&
    usageThrottleOf(ctx).claim(claims.jti, now)
  ) {
    try {
      await recordTokenUse(ctx, claims.jti, now, use.ip);
    } catch (error) {
      usageThrottleOf(ctx).release(claims.jti);
      throw error;
    }
  }
  return { claims, stored };
}

function statusRefOf(claims: AccessTokenClaims, issuer: string) {
  const { uri, idx } = claims.status.status_list;
  const base = statusListUri(issuer, "");
  if (!uri.startsWith(base)) throw new ClaimInvalid("The status claim names another issuer");
  return { list: uri.slice(base.length), idx };
}
