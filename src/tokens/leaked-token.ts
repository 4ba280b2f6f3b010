/**
 * A leaked token reported by a secret scanner: a genuine token of this issuer (signed by one of
 * its published keys, for its `iss`; expiry does not matter) is revoked at once with reason
 * `leaked`, and a `token.leaked` event records where it was found. A token revoked, rotated or
 * expired already is a true positive too, but nothing changes, so a repeated report changes
 * nothing further. Anything else (forged, another issuer's, unknown key, malformed) is a false
 * positive. Neither the token nor any part of it is logged or echoed: the answer names it by its
 * SHA-256.
 *
 * @example
 * ```ts
 * const label = await handleLeakedToken(ctx, { token, type: "tokenmint_pat", url, source }, "scanner");
 * ```
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { genuineTokenId } from "./genuine-token.js";
import { ensureRevoked } from "./token-state.js";

/** One token a scanner found: the format of GitHub's secret scanning partner program. */
export interface LeakReport {
  readonly token: string;
  readonly type: string;
  readonly url?: string | undefined;
  readonly source?: string | undefined;
}

/** The scanner's label for a reported token. */
export type LeakLabel = "true_positive" | "false_positive";

/**
 * Checks a reported token and, when it is a live token of this issuer, revokes it.
 *
 * @throws {StoreUnavailable} / {StoreNotDurable} when the revocation could not be confirmed
 * (the scanner retries; the retry finishes it).
 */
export async function handleLeakedToken(
  ctx: IssuerContext,
  report: LeakReport,
  actor: string,
): Promise<LeakLabel> {
  const jti = await genuineTokenId(ctx, report.token);
  if (jti === undefined) return "false_positive";
  const stored = await ctx.store.getToken(jti);
  // A record that ended and was dropped after retention: its token expired long ago.
  if (!stored) return "true_positive";
  const expired = stored.record.exp !== null && stored.record.exp <= epochSeconds(ctx.clock);
  if (stored.state === "rotated" || expired) return "true_positive";
  const where = { url: report.url ?? null, source: report.source ?? null, type: report.type };
  const wasLive = stored.state !== "revoked";
  // Already revoked: written again, so the answer waits until the revocation is durable.
  await ensureRevoked(ctx, stored, { actor, reason: "leaked", detail: where });
  if (!wasLive) return "true_positive";
  await recordAudit(ctx, {
    type: "token.leaked",
    actor,
    jti,
    sub: stored.record.sub,
    ...(stored.record.org === undefined ? {} : { org: stored.record.org }),
    reason: "leaked",
    detail: { ...where, name: stored.record.name, kind: stored.record.kind ?? DEFAULT_TOKEN_KIND },
  });
  return "true_positive";
}

const encoder = new TextEncoder();

/**
 * The SHA-256 of a token as lowercase hex: how the answer names a token without echoing it.
 *
 * @example
 * ```ts
 * await tokenHash("tmpat_eyJ…"); // "9f86d0…"
 * ```
 */
export async function tokenHash(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
