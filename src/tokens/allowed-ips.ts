/**
 * The issuer's own enforcement of `allowed_ips`: a token limited to some networks is refused
 * (403 `ip_not_allowed`) when presented from another address, or from one the issuer cannot tell,
 * and the refusal is audited as `token.ip_refused` with the address (never the token), once per
 * token and address a minute, so that a leaked token replayed in a loop cannot flush the capped
 * audit stream. The
 * address is the runtime's (behind `TOKENMINT_TRUSTED_PROXIES`, read from `X-Forwarded-For`).
 *
 * @example
 * ```ts
 * await requireAllowedAddress(ctx, stored, ctx.clientIp?.(c), "authenticate");
 * ```
 * @module
 */
import { addressInRanges } from "@tokenmint/verifier";
import { recordAudit } from "../audit/record-audit.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { Forbidden } from "../errors.js";
import type { StoredToken } from "../store/types.js";

/** A refusal from one address is audited at most once per token in this many seconds. */
export const AUDIT_EVERY_SECONDS = 60;

/**
 * Refuses the use of `stored` from `address` when its `allowed_ips` do not hold that address.
 *
 * @param purpose what the token was presented for (`authenticate`, `web_sign_in`, …), audited.
 * @throws {Forbidden} `ip_not_allowed`, after recording `token.ip_refused`.
 */
export async function requireAllowedAddress(
  ctx: IssuerContext,
  stored: StoredToken,
  address: string | undefined,
  purpose: string,
): Promise<void> {
  const { record } = stored;
  if (record.allowed_ips === undefined || addressInRanges(address, record.allowed_ips)) return;
  const shown = address === undefined ? "unknown" : address.slice(0, 64);
  // Key names stay plain (no braces: they are Redis hash tags) whatever the address looks like.
  const key = `ip_refused:${record.id}:${shown.replace(/[^0-9A-Za-z.:-]/g, "_")}`;
  const first = await ctx.store.claimOnce(key, AUDIT_EVERY_SECONDS);
  if (first) {
    await recordAudit(ctx, {
      type: "token.ip_refused",
      actor: `token:${record.id}`,
      jti: record.id,
      sub: record.sub,
      ...(record.org === undefined ? {} : { org: record.org }),
      reason: purpose,
      detail: { ip: shown, kind: record.kind ?? DEFAULT_TOKEN_KIND },
    });
  }
  throw new Forbidden(
    "ip_not_allowed",
    address === undefined
      ? "The token is limited to some networks and the client address is unknown"
      : `The token may not be used from ${shown}`,
  );
}
