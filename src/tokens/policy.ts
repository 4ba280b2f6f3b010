/**
 * The issuance policy: which scopes, permissions and audiences a token may carry, and how long it
 * may live. Each check throws {@link InvalidRequest} with a stable code and changes nothing.
 * @module
 */
import type { Config } from "../config/config.js";
import { formatDuration } from "../config/duration.js";
import { DEFAULT_TOKEN_KIND, type TokenKind } from "../config/token-kinds.js";
import { InvalidRequest } from "../errors.js";

/**
 * The lifetime policy that applies to a token of `kind` in `org`: the org's own (else the global
 * one), narrowed by the limits the kind sets. A kind's `allow_non_expiring` decides, unless the
 * org's policy forbids non-expiring tokens itself.
 *
 * @example
 * ```ts
 * lifetimeFor(config, "acme", config.kinds.get("deploy")).maxSeconds; // at most 90 days
 * ```
 */
export function lifetimeFor(
  config: Config,
  org: string | undefined,
  kind?: TokenKind,
): Config["lifetime"] {
  const base = (org === undefined ? undefined : config.orgLifetimes.get(org)) ?? config.lifetime;
  if (kind === undefined) return base;
  const own = kind.lifetime;
  const minSeconds = Math.max(base.minSeconds, own.minSeconds ?? 0);
  const maxSeconds = Math.min(base.maxSeconds, own.maxSeconds ?? Number.POSITIVE_INFINITY);
  const orgRule = org === undefined ? undefined : config.orgKindRules.get(org)?.allowNonExpiring;
  return {
    minSeconds,
    maxSeconds,
    defaultSeconds: Math.min(
      Math.max(own.defaultSeconds ?? base.defaultSeconds, minSeconds),
      maxSeconds,
    ),
    allowNonExpiring:
      own.allowNonExpiring === undefined
        ? base.allowNonExpiring
        : own.allowNonExpiring && orgRule !== false,
  };
}

/**
 * The kind a request asks for (default `pat`), when it exists and `org` allows it.
 *
 * @throws {InvalidRequest} `invalid_kind`.
 * @example
 * ```ts
 * const kind = kindFor(config, request.kind, request.org);
 * ```
 */
export function kindFor(
  config: Config,
  name: string | undefined,
  org: string | undefined,
): TokenKind {
  const kind = config.kinds.get(name ?? DEFAULT_TOKEN_KIND);
  if (!kind) {
    throw new InvalidRequest(
      "invalid_kind",
      `Unknown kind; this issuer mints ${[...config.kinds.keys()].join(", ")}`,
    );
  }
  const allowed = org === undefined ? undefined : config.orgKindRules.get(org)?.kinds;
  if (allowed && !allowed.includes(kind.name)) {
    throw new InvalidRequest(
      "invalid_kind",
      `The organization allows tokens of kinds ${allowed.join(", ")} only`,
    );
  }
  return kind;
}

/** Whether any policy (global, an org's or a kind's) lets a token live without `exp`. */
export function nonExpiringAllowed(config: Config): boolean {
  return (
    config.lifetime.allowNonExpiring ||
    [...config.orgLifetimes.values()].some((policy) => policy.allowNonExpiring) ||
    [...config.kinds.values()].some((kind) => kind.lifetime.allowNonExpiring === true)
  );
}

/** Whether the use of a token of `kind` (absent: `pat`) is recorded (`track_usage`). */
export function tracksUsage(config: Config, kind: string | undefined): boolean {
  return config.kinds.get(kind ?? DEFAULT_TOKEN_KIND)?.trackUsage ?? true;
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
 * Checks scopes against the known ones and those `kind` may carry (no duplicates), and that every
 * narrowed permission is also in scope.
 *
 * @throws {InvalidRequest} `invalid_scope`.
 */
export function checkScope(
  scope: readonly string[],
  permissions: Readonly<Record<string, readonly string[]>> | undefined,
  known: readonly string[],
  kind?: TokenKind,
): void {
  const unknown = scope.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidRequest("invalid_scope", `Unknown scope: ${unknown.slice(0, 5).join(", ")}`);
  }
  const outside = kind ? scope.filter((name) => !kind.scopes.includes(name)) : [];
  if (kind && outside.length > 0) {
    throw new InvalidRequest(
      "invalid_scope",
      `A ${kind.name} token cannot carry: ${outside.slice(0, 5).join(", ")}`,
    );
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
