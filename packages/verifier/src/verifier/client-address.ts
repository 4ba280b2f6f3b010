/**
 * The check of a token's `allowed_ips` against the address a request comes from: what
 * `requireToken` and the cell router do after verifying, and what a service that calls
 * `verify()` itself does with the client address it trusts.
 *
 * @example
 * ```ts
 * const claims = await verifier.verify(token);
 * checkClientAddress(claims, clientAddress); // throws IpNotAllowed
 * ```
 * @module
 */
import { IpNotAllowed } from "../errors.js";
import type { AccessTokenClaims } from "../jwt/claims.js";
import { addressInRanges } from "../lib/ip-ranges.js";

/**
 * Refuses a token with `allowed_ips` used from an address outside them, or from an unknown one
 * (`undefined`); a token without the claim may be used from anywhere.
 *
 * @throws {IpNotAllowed} HTTP 403, code `ip_not_allowed`.
 */
export function checkClientAddress(
  claims: Pick<AccessTokenClaims, "allowed_ips">,
  address: string | undefined,
): void {
  const allowed = claims.allowed_ips;
  if (allowed === undefined) return;
  if (address === undefined) {
    throw new IpNotAllowed(
      "The token is limited to some networks and the client address is unknown",
    );
  }
  if (!addressInRanges(address, allowed)) throw new IpNotAllowed();
}
