/**
 * The one exit for errors: every failure leaves as an RFC 9457 `application/problem+json` body
 * with a stable `code`, `Cache-Control: no-store`, and the error's own headers (`Retry-After`,
 * `WWW-Authenticate`). Unexpected errors are logged in full and answered with a generic 500.
 * @module
 */
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { TokenmintError } from "../errors.js";
import type { Logger } from "../logger.js";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The problem document media type. */
export const PROBLEM_JSON = "application/problem+json";

/**
 * Builds the problem+json response for an error.
 *
 * @example
 * ```ts
 * return problemResponse(new NotFound());
 * ```
 */
export function problemResponse(error: TokenmintError): Response {
  const body = {
    type: `https://tokenmint.dev/problems/${error.code}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    code: error.code,
    detail: error.message,
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "Content-Type": PROBLEM_JSON, "Cache-Control": "no-store", ...error.headers },
  });
}

/** The app's `onError`: known errors as problems, anything else logged and answered 500. */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return function handleError(error: Error, c: Context) {
    if (error instanceof TokenmintError) {
      if (error.status >= 500) {
        logger.warn("request.failed", {
          code: error.code,
          method: c.req.method,
          path: c.req.path,
          cause: String((error.cause as Error | undefined)?.message ?? ""),
        });
      }
      return problemResponse(error);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(
        new TokenmintError("invalid_request", TITLES[error.status] ?? "Bad request", error.status),
      );
    }
    logger.error("request.crashed", {
      method: c.req.method,
      path: c.req.path,
      error: error.name,
      message: error.message,
    });
    return problemResponse(new TokenmintError("internal_error", "Internal error", 500));
  };
}
