/**
 * Hono middleware for downstream services: takes the `Authorization: Bearer` token, verifies it,
 * optionally checks the token's kind and a permission (on a resource, in an org) with
 * {@link can}, and puts the claims
 * on the context as `tokenClaims`. Failures answer RFC 9457 problem+json with a stable `code`,
 * `Cache-Control: no-store`, and never echo the token: 401 with `WWW-Authenticate: Bearer
 * error="invalid_token"` (plain `Bearer` when no token was sent), 403 with
 * `error="insufficient_scope"`, 403 `ip_not_allowed` for a token with `allowed_ips` used from
 * another address (read by `clientAddress`), 503 with `Retry-After` when the status list or keys
 * cannot be had.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: TokenVariables }>();
 * app.get(
 *   "/projects/:id",
 *   requireToken({ verifier, permission: "read_project", resource: (c) => c.req.param("id") }),
 *   (c) => c.json({ sub: c.get("tokenClaims").sub }),
 * );
 * ```
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import {
  InsufficientScope,
  IpNotAllowed,
  TokenMissing,
  TokenVerificationFailed,
} from "../errors.js";
import type { AccessTokenClaims } from "../jwt/claims.js";
import { kindOfClaims } from "../jwt/token-kind.js";
import { tokenProblem } from "../lib/problem-response.js";
import { can } from "../verifier/can.js";
import { checkClientAddress } from "../verifier/client-address.js";
import type { Verifier } from "../verifier/create-verifier.js";
import { type ClientAddress, runtimeAddress } from "./client-address.js";

/** The Hono variables {@link requireToken} sets. */
export type TokenVariables = { tokenClaims: AccessTokenClaims };

/** What {@link requireToken} checks. */
export interface RequireTokenOptions {
  readonly verifier: Verifier;
  /** A permission the token must carry (see {@link can}). */
  readonly permission?: string;
  /** The resource the request is about, for narrowed permissions. */
  readonly resource?: (c: Context) => string | undefined;
  /** The org the request is about; given, an org-confined token must match it. */
  readonly org?: (c: Context) => string | undefined;
  /** The token kinds this route accepts (default: every kind the verifier accepts). */
  readonly kinds?: readonly string[];
  /**
   * The client's address, checked against a token's `allowed_ips` (default
   * {@link runtimeAddress}: the connection's peer; behind proxies use {@link behindProxies}).
   * Read only for tokens that carry the claim.
   */
  readonly clientAddress?: ClientAddress;
}

const BEARER_SCHEME = /^Bearer +/i;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The credentials of `Authorization: Bearer <token>` (RFC 6750: the scheme, spaces, visible
 * ASCII, optional trailing spaces), or `undefined`. The characters are checked by the caller
 * unless the verifier already knows the exact string (then they passed long ago).
 */
function bearerCredentials(header: string): string | undefined {
  const scheme = BEARER_SCHEME.exec(header);
  if (!scheme) return undefined;
  let end = header.length;
  while (end > scheme[0].length && header.charCodeAt(end - 1) === 32) end--;
  return end > scheme[0].length ? header.slice(scheme[0].length, end) : undefined;
}

/**
 * Creates the middleware; options are checked once, here.
 *
 * @throws {TypeError} when `verifier` is missing.
 */
export function requireToken(
  options: RequireTokenOptions,
): MiddlewareHandler<{ Variables: TokenVariables }> {
  if (typeof options?.verifier?.verify !== "function") {
    throw new TypeError("requireToken: a verifier is required");
  }
  const { verifier, permission, resource, org } = options;
  const clientAddress = options.clientAddress ?? runtimeAddress;
  if (typeof clientAddress !== "function") {
    throw new TypeError("requireToken: clientAddress must be a function");
  }
  if (permission !== undefined && (typeof permission !== "string" || permission === "")) {
    throw new TypeError("requireToken: permission must be a non-empty string");
  }
  if (
    options.kinds !== undefined &&
    (!Array.isArray(options.kinds) ||
      options.kinds.length === 0 ||
      options.kinds.some((kind) => typeof kind !== "string" || kind === ""))
  ) {
    throw new TypeError("requireToken: kinds must be a non-empty list of kind names");
  }
  const kinds = options.kinds === undefined ? undefined : new Set(options.kinds);

  function authorize(
    c: Context<{ Variables: TokenVariables }>,
    claims: AccessTokenClaims,
    next: Next,
  ): ReturnType<MiddlewareHandler> {
    if (kinds && !kinds.has(kindOfClaims(claims))) {
      return Promise.resolve(
        tokenProblem(new InsufficientScope("Tokens of this kind are not accepted here")),
      );
    }
    if (claims.allowed_ips !== undefined) {
      try {
        checkClientAddress(claims, clientAddress(c));
      } catch (error) {
        if (error instanceof IpNotAllowed) return Promise.resolve(tokenProblem(error));
        throw error;
      }
    }
    const context = org ? { org: org(c) } : undefined;
    if (permission !== undefined && !can(claims, permission, resource?.(c), context)) {
      return Promise.resolve(tokenProblem(new InsufficientScope()));
    }
    if (permission === undefined && context && claims.org !== undefined) {
      if (context.org !== claims.org) {
        return Promise.resolve(
          tokenProblem(new InsufficientScope("The token is confined to another organization")),
        );
      }
    }
    c.set("tokenClaims", claims);
    return next();
  }

  function refuse(error: unknown): Response {
    if (error instanceof TokenVerificationFailed) return tokenProblem(error);
    throw error;
  }

  // Not an async function: a token the verifier already knows (verifyCached) goes on to the
  // handler without a detour through the microtask queue.
  return function requireTokenMiddleware(c, next) {
    const token = bearerCredentials(authorizationHeader(c));
    if (!token) return Promise.resolve(tokenProblem(new TokenMissing()));
    let cached: AccessTokenClaims | undefined;
    try {
      cached = verifier.verifyCached?.(token);
    } catch (error) {
      return Promise.resolve(refuse(error));
    }
    if (cached) return authorize(c, cached, next);
    if (!VISIBLE_ASCII.test(token)) return Promise.resolve(tokenProblem(new TokenMissing()));
    return verifier.verify(token).then((claims) => authorize(c, claims, next), refuse);
  };
}

/**
 * The `Authorization` header. On @hono/node-server it is read from Node's own request
 * (`c.env.incoming`), which spares building a `Headers` object for every request.
 */
function authorizationHeader(c: Context): string {
  const incoming = (c.env as { incoming?: { headers?: Record<string, unknown> } } | undefined)
    ?.incoming;
  const raw = incoming?.headers?.authorization;
  if (typeof raw === "string") return raw;
  return c.req.header("Authorization") ?? "";
}
