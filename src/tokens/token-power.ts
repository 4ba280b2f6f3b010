/**
 * The one rule for power: whoever presents a token can never obtain, re-issue or revive a token
 * wider than the one presented. "Wider" compares scope (a subset), fine-grained permissions (each
 * narrowed permission stays narrowed to a subset), audience (a subset), org (a token bound to an
 * org stays in it), allowed IPs (every address the new token allows, the holder allows; no list
 * is the widest) and lifetime (`exp - iat`, never longer). Minting, rotation, update and resume
 * apply it for every bearer caller, whichever path (API, page, CLI) the request came by.
 * @module
 */

import { rangesWithin } from "@tokenmint/verifier";
import { formatDuration } from "../config/duration.js";
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
): string | undefined {
  const extraScope = candidate.scope.filter((name) => !holder.scope.includes(name));
  if (extraScope.length > 0) {
    return `Scope not held by ${holderName}: ${extraScope.slice(0, 5).join(", ")}`;
  }
  for (const permission of candidate.scope) {
    const held = narrowing(holder.permissions, permission);
    if (held === undefined) continue;
    const asked = narrowing(candidate.permissions, permission);
    if (asked === undefined) {
      return `${permission} is narrowed in ${holderName} and must stay narrowed`;
    }
    if (asked.some((resource) => !held.includes(resource))) {
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
  const held = lifetimeOf(holder);
  const asked = lifetimeOf(candidate);
  if (held !== null && (asked === null || asked > held)) {
    return `The token may live at most ${formatDuration(held)} (the lifetime of ${holderName})`;
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
): void {
  const wider = widerPart(holder, candidate, holderName);
  if (wider !== undefined) throw new Forbidden(code, wider);
}

/**
 * A self-service child is also bounded in absolute time: it may not expire after its parent.
 *
 * @throws {Forbidden} `wider_than_parent`.
 */
export function checkChildOfParent(parent: TokenPower, child: TokenPower): void {
  if (parent.exp !== null && (child.exp === null || child.exp > parent.exp)) {
    throw new Forbidden(
      "wider_than_parent",
      `The token cannot outlive the parent, which expires at ${new Date(parent.exp * 1000).toISOString()}`,
    );
  }
  checkNoWider(parent, child, "wider_than_parent", "the parent");
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
): void {
  checkNoWider(presented, successor, "wider_than_caller", "the presented token");
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
): void {
  if (target.id === presented.id) return;
  const wider = widerPart(presented, target, "the presented token");
  if (wider !== undefined) {
    throw new Forbidden(
      "wider_than_caller",
      `Cannot ${action} a token wider than the presented one: ${wider}`,
    );
  }
}
