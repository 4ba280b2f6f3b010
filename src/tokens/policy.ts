/**
 * The issuance policy: which scopes, permissions and audiences a token may carry, and how long it
 * may live. Each check throws {@link InvalidRequest} with a stable code and changes nothing.
 * @module
 */
import type { Config } from "../config/config.js";
import { formatDuration } from "../config/duration.js";
import { InvalidRequest } from "../errors.js";

/** The lifetime policy that applies to a token of `org` (the org's own, else the default). */
export function lifetimeFor(config: Config, org: string | undefined): Config["lifetime"] {
  return (org === undefined ? undefined : config.orgLifetimes.get(org)) ?? config.lifetime;
}

/** The expiry asked for: seconds from now, an absolute time, never (null), or the default. */
export interface ExpiryRequest {
  readonly expires_in?: number | undefined;
  readonly expires_at?: string | null | undefined;
}

/**
 * Resolves the requested expiry to `exp` (seconds since the epoch) or null (never), within the
 * lifetime policy.
 *
 * @throws {InvalidRequest} `invalid_expiry` when outside the policy.
 * @example
 * ```ts
 * resolveExpiry({ expires_in: 3600 }, config.lifetime, 1700000000); // 1700003600
 * ```
 */
export function resolveExpiry(
  request: ExpiryRequest,
  lifetime: Config["lifetime"],
  nowSeconds: number,
): number | null {
  if (request.expires_at === null) {
    if (!lifetime.allowNonExpiring) {
      throw new InvalidRequest("invalid_expiry", "Non-expiring tokens are not allowed by policy");
    }
    return null;
  }
  let exp: number;
  if (request.expires_in !== undefined) exp = nowSeconds + request.expires_in;
  else if (request.expires_at !== undefined) {
    exp = Math.floor(Date.parse(request.expires_at) / 1000);
    if (exp <= nowSeconds) {
      throw new InvalidRequest("invalid_expiry", "expires_at is in the past");
    }
  } else exp = nowSeconds + lifetime.defaultSeconds;
  const lifetimeSeconds = exp - nowSeconds;
  if (lifetimeSeconds < lifetime.minSeconds || lifetimeSeconds > lifetime.maxSeconds) {
    throw new InvalidRequest(
      "invalid_expiry",
      `The lifetime must be between ${formatDuration(lifetime.minSeconds)} and ${formatDuration(lifetime.maxSeconds)}`,
    );
  }
  return exp;
}

/**
 * Checks scopes against the known ones (no duplicates) and that every narrowed permission is
 * also in scope.
 *
 * @throws {InvalidRequest} `invalid_scope`.
 */
export function checkScope(
  scope: readonly string[],
  permissions: Readonly<Record<string, readonly string[]>> | undefined,
  known: readonly string[],
): void {
  const unknown = scope.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidRequest("invalid_scope", `Unknown scope: ${unknown.slice(0, 5).join(", ")}`);
  }
  if (new Set(scope).size !== scope.length) {
    throw new InvalidRequest("invalid_scope", "A scope is listed twice");
  }
  for (const permission of Object.keys(permissions ?? {})) {
    if (!scope.includes(permission)) {
      throw new InvalidRequest(
        "invalid_scope",
        `Permission ${permission} is narrowed but not in scope`,
      );
    }
  }
}

/**
 * Resolves the audience: the configured default, or a subset of it.
 *
 * @throws {InvalidRequest} `invalid_audience` for an audience that is not configured.
 */
export function resolveAudience(
  requested: readonly string[] | undefined,
  configured: readonly string[],
): string[] {
  if (requested === undefined) return [...configured];
  const unknown = requested.filter((aud) => !configured.includes(aud));
  if (unknown.length > 0) {
    throw new InvalidRequest(
      "invalid_audience",
      "The audience must be a subset of the configured audiences",
    );
  }
  return [...new Set(requested)];
}
