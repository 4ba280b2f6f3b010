/**
 * Self-service minting with attenuation: a token minted by presenting another token may only be
 * narrower than it: scope and permissions a subset, the same org (or, from a cluster-wide token,
 * any one org), an audience subset, and an expiry no later.
 * @module
 */
import { Forbidden } from "../errors.js";
import type { TokenRecord } from "../store/types.js";

/** The parts of a new token that attenuation compares. */
export interface ChildToken {
  readonly scope: readonly string[];
  readonly permissions?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly org?: string | undefined;
  readonly aud: readonly string[];
  readonly exp: number | null;
}

function wider(detail: string): Forbidden {
  return new Forbidden("wider_than_parent", detail);
}

/**
 * Checks that `child` is no wider than `parent`.
 *
 * @throws {Forbidden} `wider_than_parent`, naming what is wider.
 * @example
 * ```ts
 * checkAttenuation(parent.record, { scope: ["read_api"], aud, exp, org });
 * ```
 */
export function checkAttenuation(parent: TokenRecord, child: ChildToken): void {
  const extraScope = child.scope.filter((name) => !parent.scope.includes(name));
  if (extraScope.length > 0) throw wider(`Scope not held by the parent: ${extraScope.join(", ")}`);
  for (const permission of child.scope) {
    const parentResources = parent.permissions?.[permission];
    if (parentResources === undefined) continue;
    const childResources = child.permissions?.[permission];
    if (childResources === undefined) {
      throw wider(`${permission} is narrowed in the parent and must be narrowed here too`);
    }
    if (childResources.some((resource) => !parentResources.includes(resource))) {
      throw wider(`${permission} names resources the parent cannot reach`);
    }
  }
  if (parent.org !== undefined && child.org !== parent.org) {
    throw wider("The token must stay in the parent's organization");
  }
  if (child.aud.some((aud) => !parent.aud.includes(aud))) {
    throw wider("The audience must be a subset of the parent's");
  }
  if (parent.exp !== null && (child.exp === null || child.exp > parent.exp)) {
    throw wider("The token cannot outlive the parent");
  }
}
