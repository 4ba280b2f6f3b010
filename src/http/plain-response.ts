/**
 * Answers whose headers are a plain object. Hono turns a second header set with `c.header()` into
 * a WHATWG `Headers` object, which @hono/node-server then has to build and validate header by
 * header; a `Response` made with a plain object is written by @hono/node-server straight from
 * that object. Used on the endpoints that are polled or called on every downstream request.
 * @module
 */

/**
 * A `Response` with plain-object headers.
 *
 * @example
 * ```ts
 * return plainResponse(body, 200, { "Content-Type": "application/json", "Cache-Control": "no-store" });
 * ```
 */
export function plainResponse(
  body: string | null,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  return new Response(body, { status, headers });
}
