/**
 * The one rule for power: whoever presents a token can never obtain, re-issue or revive a token
 * wider than the one presented. "Wider" compares scope (a subset), fine-grained permissions (each
 * narrowed permission stays narrowed to a subset), audience (a subset), org (a token bound to an
 * org stays in it), allowed IPs (every address the new token allows, the holder allows; no list
 * is the widest), lifetime (`exp - iat`, never longer) and kind (the same kind, or another only
 * when both are self-service kinds, which the operator lets any holder mint). Minting, rotation, update and resume
 * apply it for every bearer caller, whichever path (API, page, CLI) the request came by.
 * Organization approval (approval.ts) is one more dimension, and reuses {@link widerPart}: a
 * rotation keeps an approval only for a successor no wider than the approved token.
 * @module
 */

import { rangesWithin } from "@tokenmint/verifier";
import { formatDuration } from "../config/duration.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import { Forbidden } from "../errors.js";

/** The parts of a token that decide what it can do and for how long. */
export interface TokenPower {
  readonly scope: readonly string[];
  readonly permissions?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly aud: readonly string[];
  readonly org?: string | undefined;
  /** The networks it may be used from; absent: anywhere. */
  readonly allowed_ips?: readonly string[] | undefined;
  /** Issued at, seconds since the epoch. */
  readonly created: number;
  /** Expiry, seconds since the epoch; null when it never expires. */
  readonly exp: number | null;
  /** The token kind; absent means `pat` (records minted before kinds). */
  readonly kind?: string | undefined;
}

/**
 * The kinds a holder may move between: the self-service kinds. A token of another kind (a CI job
 * token the platform mints, say) only ever yields tokens of its own kind.
 */
export type SelfServiceKinds = ReadonlySet<string>;

/** The kind of a token (or record) that may predate kinds. */
export function kindOfPower(power: Pick<TokenPower, "kind">): string {
  return power.kind ?? DEFAULT_TOKEN_KIND;
}

/** The problem code of a refusal: a self-service child, or any other bearer operation. */
export type WiderCode = "wider_than_parent" | "wider_than_caller";

/**
 * The lifetime a token was issued with (`exp - iat`), or null when it never expires.
 *
 * @example
 * ```ts
 * lifetimeOf({ created: 100, exp: 700 }); // 600
 * ```
 */
export function lifetimeOf(power: Pick<TokenPower, "created" | "exp">): number | null {
  return power.exp === null ? null : power.exp - power.created;
}

/** The resources a permission is narrowed to, read from own entries only. */
export function narrowing(
  permissions: TokenPower["permissions"],
  permission: string,
): readonly string[] | undefined {
  return permissions !== undefined && Object.hasOwn(permissions, permission)
    ? permissions[permission]
    : undefined;
}

/**
 * Says what makes `candidate` wider than `holder`, or returns undefined when it is no wider.
 * `holderName` names the holder in the answer ("the parent", "the presented token").
 *
 * @example
 * ```ts
 * widerPart(caller.stored.record, successor, "the presented token"); // "Scope not held …"
 * ```
 */
export function widerPart(
  holder: TokenPower,
  candidate: TokenPower,
  holderName: string,
  selfService: SelfServiceKinds = new Set(),
): string | undefined {
  const held = kindOfPower(holder);
  const wanted = kindOfPower(candidate);
  if (held !== wanted && !(selfService.has(held) && selfService.has(wanted))) {
    return `The token must be of the kind of ${holderName} (${held})`;
  }
  const extraScope = candidate.scope.filter((name) => !holder.scope.includes(name));
  if (extraScope.length > 0) {
    return `Scope not held by ${holderName}: ${extraScope.slice(0, 5).join(", ")}`;
  }
  for (const permission of candidate.scope) {
    const reach = narrowing(holder.permissions, permission);
    if (reach === undefined) continue;
    const asked = narrowing(candidate.permissions, permission);
    if (asked === undefined) {
      return `${permission} is narrowed in ${holderName} and must stay narrowed`;
    }
    if (asked.some((resource) => !reach.includes(resource))) {
      return `${permission} names resources ${holderName} cannot reach`;
    }
  }
  if (holder.org !== undefined && candidate.org !== holder.org) {
    return `The token must stay in ${holderName}'s organization ${holder.org}`;
  }
  if (candidate.aud.some((aud) => !holder.aud.includes(aud))) {
    return `The audience must be a subset of ${holderName}'s`;
  }
  if (!rangesWithin(candidate.allowed_ips, holder.allowed_ips)) {
    return `allowed_ips must lie within ${holderName}'s: ${(holder.allowed_ips ?? []).slice(0, 5).join(", ")}`;
  }
  const heldLifetime = lifetimeOf(holder);
  const asked = lifetimeOf(candidate);
  if (heldLifetime !== null && (asked === null || asked > heldLifetime)) {
    return `The token may live at most ${formatDuration(heldLifetime)} (the lifetime of ${holderName})`;
  }
  return undefined;
}

/**
 * Refuses `candidate` when it is wider than `holder`.
 *
 * @throws {Forbidden} with `code`, naming what is wider.
 * @example
 * ```ts
 * checkNoWider(caller.stored.record, target.record, "wider_than_caller", "the presented token");
 * ```
 */
export function checkNoWider(
  holder: TokenPower,
  candidate: TokenPower,
  code: WiderCode,
  holderName: string,
  selfService?: SelfServiceKinds,
): void {
  const wider = widerPart(holder, candidate, holderName, selfService);
  if (wider !== undefined) throw new Forbidden(code, wider);
}

/**
 * A self-service child is also bounded in absolute time: it may not expire after its parent.
 *
 * @throws {Forbidden} `wider_than_parent`.
 */
export function checkChildOfParent(
  parent: TokenPower,
  child: TokenPower,
  selfService?: SelfServiceKinds,
): void {
  if (parent.exp !== null && (child.exp === null || child.exp > parent.exp)) {
    throw new Forbidden(
      "wider_than_parent",
      `The token cannot outlive the parent, which expires at ${new Date(parent.exp * 1000).toISOString()}`,
    );
  }
  checkNoWider(parent, child, "wider_than_parent", "the parent", selfService);
}

/**
 * A successor made by presenting a token (rotation, or an update that rotates) may live no longer
 * than the token it replaces was issued for, and no longer than the presented token.
 *
 * @throws {Forbidden} `wider_than_caller`.
 */
export function checkSuccessor(
  presented: TokenPower,
  replaced: TokenPower,
  successor: TokenPower,
  selfService?: SelfServiceKinds,
): void {
  if (kindOfPower(successor) !== kindOfPower(replaced)) {
    throw new Forbidden("wider_than_caller", "A rotation keeps the token's kind");
  }
  checkNoWider(presented, successor, "wider_than_caller", "the presented token", selfService);
  const original = lifetimeOf(replaced);
  const asked = lifetimeOf(successor);
  if (original !== null && (asked === null || asked > original)) {
    throw new Forbidden(
      "wider_than_caller",
      `The new token may live at most ${formatDuration(original)}, the lifetime the rotated token was issued with`,
    );
  }
}

/**
 * A bearer caller may change (update, rotate, resume) another token of its subject only when that
 * token is no wider than the presented one; revoking and suspending, which only take power away,
 * need no such check.
 *
 * @throws {Forbidden} `wider_than_caller`.
 */
export function checkTargetWithin(
  presented: TokenPower & { readonly id: string },
  target: TokenPower & { readonly id: string },
  action: string,
  selfService?: SelfServiceKinds,
): void {
  if (target.id === presented.id) return;
  const wider = widerPart(presented, target, "the presented token", selfService);
  if (wider !== undefined) {
    throw new Forbidden(
      "wider_than_caller",
      `Cannot ${action} a token wider than the presented one: ${wider}`,
    );
  }
}
