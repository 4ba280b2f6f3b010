/**
 * The one check of a JWT's times (`iat`, `nbf`, `exp`, RFC 7519 section 4.1), shared by access
 * tokens and Status List Tokens so both read time the same way: `iat` is required and a number,
 * `nbf` and `exp` are optional numbers, and with `tolerance` seconds of skew neither `nbf` nor
 * `iat` may lie in the future and `exp` must not have passed. It answers what failed rather than
 * throwing, because each kind of token reports a failure in its own terms.
 *
 * @example
 * ```ts
 * const problem = timeClaimsProblem(payload, { now: Date.now(), tolerance: 30 });
 * if (problem === "expired") throw new TokenExpired();
 * ```
 * @module
 */

/** What is wrong with a token's times. */
export type TimeClaimsProblem =
  /** `iat` is missing or not a number. */
  | "iat_invalid"
  /** `nbf` is present but not a number. */
  | "nbf_invalid"
  /** `exp` is present but not a number. */
  | "exp_invalid"
  /** `nbf` or `iat` lies in the future beyond the tolerance. */
  | "not_yet_valid"
  /** `exp` has passed, allowing for the tolerance. */
  | "expired";

/** The clock a token's times are checked against. */
export interface TimeClaimsCheck {
  /** The current time, milliseconds since the epoch. */
  readonly now: number;
  /** Seconds of clock skew tolerated. */
  readonly tolerance: number;
}

/**
 * What is wrong with the times of `payload`, or `undefined` when they hold. Checked in jose's
 * order (`nbf`, then `exp`), then `iat` not in the future.
 *
 * @example
 * ```ts
 * timeClaimsProblem({ iat: 10, exp: 20 }, { now: 30_000, tolerance: 0 }); // "expired"
 * timeClaimsProblem({ iat: 10 }, { now: 30_000, tolerance: 0 }); // undefined
 * ```
 */
export function timeClaimsProblem(
  payload: Readonly<Record<string, unknown>>,
  check: TimeClaimsCheck,
): TimeClaimsProblem | undefined {
  const now = Math.floor(check.now / 1000);
  const { iat, nbf, exp } = payload;
  if (typeof iat !== "number") return "iat_invalid";
  if (nbf !== undefined && typeof nbf !== "number") return "nbf_invalid";
  if (typeof nbf === "number" && nbf > now + check.tolerance) return "not_yet_valid";
  if (exp !== undefined && typeof exp !== "number") return "exp_invalid";
  if (typeof exp === "number" && exp <= now - check.tolerance) return "expired";
  if (iat > now + check.tolerance) return "not_yet_valid";
  return undefined;
}
