/**
 * The headers every answer carries: `X-Request-Id` (a well-formed one from the caller, up to 128
 * characters of `[A-Za-z0-9_=-]`, or a new UUID; also put on the context as `requestId`) and the
 * security headers hono's `secureHeaders` sets by default, with `Cross-Origin-Resource-Policy:
 * cross-origin` (the JWKS and status lists are read cross-origin). A header an answer sets itself
 * wins (the web page and the docs set a stricter policy of their own).
 *
 * On Node (@hono/node-server) they are set on Node's `ServerResponse` before the handler runs, and
 * Node merges them into the answer's own headers when it writes them; setting them on the
 * `Response` afterwards would make @hono/node-server build a full WHATWG `Response` and `Headers`
 * (with per-header validation) for every answer, the costliest part of a cheap request.
 * Elsewhere (Workers) they are added to the `Response`.
 *
 * @example
 * ```ts
 * app.use(standardHeaders());
 * ```
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** Security headers (hono `secureHeaders` defaults, cross-origin resource policy). */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "cross-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

const REQUEST_ID = /^[\w=-]{1,128}$/;

interface NodeOutgoing {
  setHeader(name: string, value: string): unknown;
  readonly headersSent: boolean;
}

function nodeOutgoing(env: unknown): NodeOutgoing | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeOutgoing> } | undefined)?.outgoing;
  return typeof outgoing?.setHeader === "function" ? (outgoing as NodeOutgoing) : undefined;
}

/**
 * The request id and security headers middleware.
 *
 * @example
 * ```ts
 * app.use(standardHeaders());
 * app.get("/", (c) => c.text(c.get("requestId")));
 * ```
 */
export function standardHeaders(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async function setStandardHeaders(c, next) {
    const given = c.req.header("X-Request-Id");
    const id = given !== undefined && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    const outgoing = nodeOutgoing(c.env);
    if (outgoing && !outgoing.headersSent) {
      outgoing.setHeader("X-Request-Id", id);
      for (const [name, value] of SECURITY_HEADERS) outgoing.setHeader(name, value);
      await next();
      return;
    }
    await next();
    const headers = c.res.headers;
    if (!headers.has("X-Request-Id")) headers.set("X-Request-Id", id);
    for (const [name, value] of SECURITY_HEADERS) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
}
