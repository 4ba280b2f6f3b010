/**
 * The request body cap (413 `payload_too_large` past `maxBytes`, or past a path's own cap where
 * one is given: a secret scanner's batch of tokens may be larger than any API call). A request without a body
 * (GET, HEAD, OPTIONS) passes untouched, and one with a `Content-Length` (and no
 * `Transfer-Encoding`) is judged by that header alone; only a streamed body goes through hono's
 * `bodyLimit`, which counts the bytes. (hono's middleware asks every request for its body stream,
 * which on @hono/node-server builds a full WHATWG `Request` even for a GET.)
 *
 * @example
 * ```ts
 * app.use(limitRequestBodies(64 * 1024));
 * ```
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { PayloadTooLarge } from "../errors.js";

const WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS"]);
const DIGITS = /^\d{1,15}$/;

/**
 * Creates the middleware.
 *
 * @example
 * ```ts
 * app.use(limitRequestBodies(config.maxBodyBytes, { "/v1/secret-scanning": 262144 }));
 * ```
 */
export function limitRequestBodies(
  defaultMaxBytes: number,
  perPath: Readonly<Record<string, number>> = {},
): MiddlewareHandler {
  const byPath = new Map(Object.entries(perPath).map(([path, max]) => [path, limitTo(max)]));
  const fallback = limitTo(defaultMaxBytes);
  return function limitRequestBody(c, next) {
    return (byPath.get(c.req.path) ?? fallback)(c, next);
  };
}

function limitTo(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw new PayloadTooLarge(maxBytes);
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return function limitRequestBody(c, next) {
    if (WITHOUT_BODY.has(c.req.method)) return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (DIGITS.test(length) && Number(length) <= maxBytes) return next();
      if (DIGITS.test(length)) tooLarge();
    }
    return counted(c, next);
  };
}
