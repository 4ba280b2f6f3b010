/**
 * Token kinds: an issuer can mint several kinds of token (personal, deploy, CI job, service
 * account…), each with its own wire prefix so that secret scanners tell them apart. The prefix a
 * token carries names its kind; the signed `kind` claim must say the same (a token without the
 * claim is of the default kind, `pat`). Prefixes of one issuer are distinct and none is a prefix
 * of another, so at most one matches a given token.
 *
 * @example
 * ```ts
 * splitTokenPrefix("tmdt_eyJ...", { pat: "tmpat_", deploy: "tmdt_" }); // { kind: "deploy", rest: "eyJ..." }
 * ```
 * @module
 */
import { ClaimInvalid } from "../errors.js";
import type { AccessTokenClaims } from "./claims.js";

/** The kind of a token that carries no `kind` claim (every token minted before kinds existed). */
export const DEFAULT_TOKEN_KIND = "pat";

/** Kind name → wire prefix, e.g. `{ pat: "tmpat_", deploy: "tmdt_" }`. */
export type TokenPrefixes = Readonly<Record<string, string>>;

/** A token split at its prefix: the kind that prefix names, and what follows it. */
export interface PrefixedToken {
  readonly kind: string;
  readonly rest: string;
}

/**
 * Finds the kind whose prefix `token` starts with (the longest, should a table nest them), or
 * `undefined` when no configured prefix matches.
 *
 * @example
 * ```ts
 * splitTokenPrefix("tmsa_x.y.z", { pat: "tmpat_", service: "tmsa_" })?.kind; // "service"
 * splitTokenPrefix("ghp_abc", { pat: "tmpat_" }); // undefined
 * ```
 */
export function splitTokenPrefix(
  token: string,
  prefixes: TokenPrefixes,
): PrefixedToken | undefined {
  if (typeof token !== "string") return undefined;
  let found: PrefixedToken | undefined;
  let length = -1;
  for (const kind of Object.keys(prefixes)) {
    const prefix = prefixes[kind] as string;
    if (prefix.length > length && token.startsWith(prefix)) {
      found = { kind, rest: token.slice(prefix.length) };
      length = prefix.length;
    }
  }
  return found;
}

/**
 * The kind verified claims declare: their `kind` claim, or {@link DEFAULT_TOKEN_KIND}.
 *
 * @example
 * ```ts
 * kindOfClaims({ kind: "deploy" }); // "deploy"
 * kindOfClaims({}); // "pat"
 * ```
 */
export function kindOfClaims(claims: Pick<AccessTokenClaims, "kind">): string {
  return claims.kind ?? DEFAULT_TOKEN_KIND;
}

/**
 * Refuses claims whose kind is not the one the token's prefix names: a token re-prefixed to pass
 * for another kind is not accepted.
 *
 * @throws {ClaimInvalid}
 */
export function checkKindMatchesPrefix(
  claims: Pick<AccessTokenClaims, "kind">,
  prefixKind: string,
): void {
  if (kindOfClaims(claims) !== prefixKind) {
    throw new ClaimInvalid("The token's prefix does not match its kind");
  }
}

/**
 * Checks a prefix table: at least one kind, prefixes distinct and none a prefix of another (so one
 * token never matches two kinds; an empty prefix therefore only for a lone kind).
 *
 * @returns a problem in words, or `undefined` when the table is sound.
 * @example
 * ```ts
 * prefixTableProblem({ pat: "tm_", deploy: "tm_dt_" }); // 'the prefix "tm_" of pat is a prefix of "tm_dt_" of deploy'
 * ```
 */
export function prefixTableProblem(prefixes: TokenPrefixes): string | undefined {
  const entries = Object.entries(prefixes);
  if (entries.length === 0) return "at least one kind is required";
  for (const [kind, prefix] of entries) {
    if (typeof prefix !== "string") return `the prefix of ${kind} must be a string`;
  }
  for (const [kind, prefix] of entries) {
    for (const [other, otherPrefix] of entries) {
      if (kind === other) continue;
      if (prefix === otherPrefix) return `${kind} and ${other} have the same prefix ${prefix}`;
      if (otherPrefix.startsWith(prefix)) {
        return `the prefix ${JSON.stringify(prefix)} of ${kind} is a prefix of ${JSON.stringify(otherPrefix)} of ${other}`;
      }
    }
  }
  return undefined;
}
