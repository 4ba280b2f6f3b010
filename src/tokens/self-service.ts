/**
 * What a self-service child inherits from the token that mints it when the request leaves it
 * out: the org, the audience, the kind, the allowed IPs, each permission's narrowing, and an expiry
 * (the default lifetime of the kind, cut short to the parent's expiry). The result is then checked
 * like any request.
 * @module
 */
import type { Config } from "../config/config.js";
import { formatDuration } from "../config/duration.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import { InvalidRequest } from "../errors.js";
import type { TokenRecord } from "../store/types.js";
import type { MintRequest } from "./mint-request.js";
import { lifetimeFor } from "./policy.js";
import { narrowing } from "./token-power.js";

/**
 * Fills what `request` leaves out from `parent`.
 *
 * @throws {InvalidRequest} `invalid_expiry` when the parent expires before the shortest lifetime
 *   a new token may have.
 * @example
 * ```ts
 * inheritFromParent({ subject, name: "ci", scope: ["read_api"] }, parent, config, now);
 * ```
 */
export function inheritFromParent(
  request: MintRequest,
  parent: TokenRecord,
  config: Config,
  nowSeconds: number,
): MintRequest {
  const org = request.org ?? parent.org;
  const kind = request.kind ?? parent.kind;
  const permissions: Record<string, string[]> = { ...request.permissions };
  for (const permission of request.scope) {
    const held = narrowing(parent.permissions, permission);
    if (held !== undefined && !Object.hasOwn(permissions, permission)) {
      permissions[permission] = [...held];
    }
  }
  const inherited: MintRequest = {
    ...request,
    ...(org === undefined ? {} : { org }),
    ...(kind === undefined ? {} : { kind }),
    audience: request.audience ?? [...parent.aud],
    ...(request.allowed_ips === undefined && parent.allowed_ips !== undefined
      ? { allowed_ips: [...parent.allowed_ips] }
      : {}),
    ...(Object.keys(permissions).length === 0 ? {} : { permissions }),
  };
  if (request.expires_in !== undefined || request.expires_at !== undefined || parent.exp === null) {
    return inherited;
  }
  const policy = lifetimeFor(config, org, config.kinds.get(kind ?? DEFAULT_TOKEN_KIND));
  const remaining = parent.exp - nowSeconds;
  if (remaining < policy.minSeconds) {
    throw new InvalidRequest(
      "invalid_expiry",
      `The presented token expires in ${formatDuration(Math.max(remaining, 0))}; a new token must live at least ${formatDuration(policy.minSeconds)}`,
    );
  }
  return { ...inherited, expires_in: Math.min(policy.defaultSeconds, remaining) };
}
