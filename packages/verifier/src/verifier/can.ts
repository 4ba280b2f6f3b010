/**
 * Authorization on verified claims. A token may use `permission` when `scope` lists it; if the
 * token narrows that permission in `permissions`, only on the resources listed there (and then a
 * resource must be named); and if the token is confined to an `org`, only inside that org.
 *
 * @example
 * ```ts
 * can(claims, "read_project", "gid://gitlab/Project/42", { org: "acme" });
 * ```
 * @module
 */
import type { AccessTokenClaims } from "../jwt/claims.js";

/** Where the request happens. */
export interface CanContext {
  /**
   * The organization the request is about. When this context is given, a token confined to an
   * org (`claims.org`) is allowed only if this is the same org; `undefined` here means a request
   * outside any org, which such a token may not make. Omit the whole context to skip the org
   * check.
   */
  readonly org?: string | undefined;
}

/** Whether the space-delimited `scope` lists `permission` (without splitting it: no garbage). */
function hasScope(scope: string, permission: string): boolean {
  if (permission.includes(" ")) return false;
  for (let at = scope.indexOf(permission); at !== -1; at = scope.indexOf(permission, at + 1)) {
    const end = at + permission.length;
    const startsWord = at === 0 || scope.charCodeAt(at - 1) === 32;
    if (startsWord && (end === scope.length || scope.charCodeAt(end) === 32)) return true;
  }
  return false;
}

/**
 * Whether the claims grant `permission` (on `resource`, in `context.org`).
 *
 * @example
 * ```ts
 * const claims = { scope: "read_api read_project", permissions: { read_project: ["p/42"] } };
 * can(claims, "read_api");                // true
 * can(claims, "read_project", "p/42");    // true
 * can(claims, "read_project", "p/7");     // false: narrowed to p/42
 * can(claims, "read_project");            // false: narrowed permissions need a resource
 * can(claims, "write_api");               // false: not in scope
 * ```
 */
export function can(
  claims: Pick<AccessTokenClaims, "scope" | "permissions" | "org">,
  permission: string,
  resource?: string,
  context?: CanContext,
): boolean {
  if (permission === "" || !hasScope(claims.scope, permission)) return false;
  if (context !== undefined && claims.org !== undefined && context.org !== claims.org) {
    return false;
  }
  const narrowed = claims.permissions;
  if (narrowed === undefined || !Object.hasOwn(narrowed, permission)) return true;
  const resources = narrowed[permission];
  return resource !== undefined && Array.isArray(resources) && resources.includes(resource);
}
