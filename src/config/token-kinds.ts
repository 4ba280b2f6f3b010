/**
 * Token kinds (`TOKENMINT_TOKEN_KINDS`): the kinds of token one issuer mints (personal, deploy,
 * CI job, service account…), each with its own wire prefix, the scopes it may carry, its lifetime
 * limits, whether a bearer caller may mint it (self-service) and whether its use is recorded.
 * Without the variable there is one kind, `pat`, whose prefix is `TOKENMINT_TOKEN_PREFIX`.
 *
 * {@link parseTokenKind} is the one place that reads a kind off a token's prefix: bearer
 * authentication, introspection, revocation and secret scanning all go through it.
 *
 * @example
 * ```ts
 * parseTokenKind("tmdt_eyJ...", config.kinds)?.kind.name; // "deploy"
 * ```
 * @module
 */
import { DEFAULT_TOKEN_KIND, prefixTableProblem, splitTokenPrefix } from "@tokenmint/verifier/jwt";
import { z } from "zod";
import { durationValue, jsonObject } from "./json-values.js";

export { DEFAULT_TOKEN_KIND };

/** A kind name: lower-case letters, digits and `_`, starting with a letter. */
export const KIND_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** A token prefix: letters, digits and `_`, at most 16. */
export const PREFIX_PATTERN = /^[A-Za-z0-9_]{0,16}$/;

/** The lifetime limits a kind sets itself; the others come from the org's or the global policy. */
export interface KindLifetime {
  readonly defaultSeconds?: number;
  readonly minSeconds?: number;
  readonly maxSeconds?: number;
  readonly allowNonExpiring?: boolean;
}

/** One configured kind of token. */
export interface TokenKind {
  readonly name: string;
  /** The wire prefix, distinct from every other kind's and no prefix of one. */
  readonly prefix: string;
  /** The scopes a token of this kind may carry (default: every known scope). */
  readonly scopes: readonly string[];
  readonly lifetime: KindLifetime;
  /** A bearer caller may mint it (`self_service`, default true). */
  readonly selfService: boolean;
  /** Its last use (time, client IPs) is recorded (`track_usage`, default true). */
  readonly trackUsage: boolean;
}

/** The configured kinds by name, in the order they were given (`pat` always among them). */
export type TokenKinds = ReadonlyMap<string, TokenKind>;

const kindSettings = z.strictObject({
  prefix: z.string().regex(PREFIX_PATTERN, "letters, digits and _ only, at most 16").optional(),
  scopes: z.array(z.string().min(1).max(64)).min(1).optional(),
  default_lifetime: durationValue.optional(),
  min_lifetime: durationValue.optional(),
  max_lifetime: durationValue.optional(),
  allow_non_expiring: z.boolean().optional(),
  self_service: z.boolean().optional(),
  track_usage: z.boolean().optional(),
});

/** The schema of `TOKENMINT_TOKEN_KINDS` (a JSON object of kind name → settings). */
export const tokenKindsVariable = jsonObject(
  z.record(z.string().regex(KIND_NAME, "kind names: a-z, 0-9 and _, from a letter"), kindSettings),
  "a JSON object of kind: settings",
);

/** What the kinds are checked against. */
export interface KindDefaults {
  /** `TOKENMINT_TOKEN_PREFIX`: the prefix of `pat` when its entry gives none. */
  readonly prefix: string;
  /** `TOKENMINT_SCOPES`. */
  readonly scopes: readonly string[];
}

function kindProblems(name: string, kind: z.output<typeof kindSettings>, known: readonly string[]) {
  const problems: string[] = [];
  const at = `TOKENMINT_TOKEN_KINDS: ${name}`;
  if (kind.prefix === undefined && name !== DEFAULT_TOKEN_KIND) {
    problems.push(`${at}: a prefix is required`);
  }
  const unknown = (kind.scopes ?? []).filter((scope) => !known.includes(scope));
  if (unknown.length > 0) {
    problems.push(`${at}: scopes not in TOKENMINT_SCOPES: ${unknown.slice(0, 5).join(", ")}`);
  }
  const { min_lifetime: min, max_lifetime: max, default_lifetime: fallback } = kind;
  if (min !== undefined && min < 60) problems.push(`${at}: min_lifetime must be 60 s or more`);
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(`${at}: min_lifetime must not exceed max_lifetime`);
  }
  if (fallback !== undefined && ((min ?? 0) > fallback || fallback > (max ?? Infinity))) {
    problems.push(`${at}: default_lifetime must lie between min_lifetime and max_lifetime`);
  }
  return problems;
}

/**
 * Builds the kinds from the parsed variable, pushing one problem per mistake (each naming the
 * variable and the kind). An empty object means the default: `pat` alone.
 *
 * @example
 * ```ts
 * resolveTokenKinds({ pat: { prefix: "tmpat_" } }, { prefix: "tmpat_", scopes }, problems);
 * ```
 */
export function resolveTokenKinds(
  raw: z.output<typeof tokenKindsVariable>,
  defaults: KindDefaults,
  problems: string[],
): TokenKinds {
  const entries = Object.entries(raw);
  if (entries.length === 0) entries.push([DEFAULT_TOKEN_KIND, {}]);
  if (!entries.some(([name]) => name === DEFAULT_TOKEN_KIND)) {
    problems.push(
      "TOKENMINT_TOKEN_KINDS: must define pat (the default kind, and the kind of tokens without a kind claim)",
    );
  }
  const kinds = new Map<string, TokenKind>();
  for (const [name, kind] of entries) {
    problems.push(...kindProblems(name, kind, defaults.scopes));
    kinds.set(name, {
      name,
      prefix: kind.prefix ?? defaults.prefix,
      scopes: kind.scopes ? [...new Set(kind.scopes)] : defaults.scopes,
      lifetime: {
        ...(kind.default_lifetime === undefined ? {} : { defaultSeconds: kind.default_lifetime }),
        ...(kind.min_lifetime === undefined ? {} : { minSeconds: kind.min_lifetime }),
        ...(kind.max_lifetime === undefined ? {} : { maxSeconds: kind.max_lifetime }),
        ...(kind.allow_non_expiring === undefined
          ? {}
          : { allowNonExpiring: kind.allow_non_expiring }),
      },
      selfService: kind.self_service ?? true,
      trackUsage: kind.track_usage ?? true,
    });
  }
  const tableProblem = prefixTableProblem(kindPrefixes(kinds));
  if (tableProblem !== undefined) problems.push(`TOKENMINT_TOKEN_KINDS: ${tableProblem}`);
  return kinds;
}

const prefixTables = new WeakMap<TokenKinds, Readonly<Record<string, string>>>();

/**
 * Kind name → prefix, as the issuer publishes it (`tokenmint_token_prefixes`) and as the
 * verifier's `prefixes` option takes it.
 */
export function kindPrefixes(kinds: TokenKinds): Readonly<Record<string, string>> {
  let table = prefixTables.get(kinds);
  if (!table) {
    // A null prototype: a kind named like an Object.prototype member stays an own entry.
    table = Object.assign(
      Object.create(null) as Record<string, string>,
      Object.fromEntries([...kinds.values()].map((kind) => [kind.name, kind.prefix])),
    );
    prefixTables.set(kinds, table);
  }
  return table;
}

/** A token split at its prefix: its kind, and the JWS text after the prefix. */
export interface KindedToken {
  readonly kind: TokenKind;
  readonly rest: string;
}

/**
 * Reads a token's kind off its prefix (the one function that strips a prefix in the issuer), or
 * `undefined` when the token carries none of the configured prefixes. The signed `kind` claim must
 * still be checked against it once the signature holds.
 *
 * @example
 * ```ts
 * const found = parseTokenKind(presented, config.kinds);
 * if (!found) throw new TokenMalformed();
 * ```
 */
export function parseTokenKind(token: string, kinds: TokenKinds): KindedToken | undefined {
  const split = splitTokenPrefix(token, kindPrefixes(kinds));
  const kind = split && kinds.get(split.kind);
  return split && kind ? { kind, rest: split.rest } : undefined;
}

const selfServiceSets = new WeakMap<TokenKinds, ReadonlySet<string>>();

/** The names of the kinds a bearer caller may mint (`self_service`). */
export function selfServiceKinds(kinds: TokenKinds): ReadonlySet<string> {
  let names = selfServiceSets.get(kinds);
  if (!names) {
    names = new Set(
      [...kinds.values()].filter((kind) => kind.selfService).map((kind) => kind.name),
    );
    selfServiceSets.set(kinds, names);
  }
  return names;
}
