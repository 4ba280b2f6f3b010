/**
 * RFC 9457 problem documents: the one shape every tokenmint error leaves in, from the issuer, the
 * verifier middleware and the cell router alike: `{type, title, status, code, detail}` (and
 * `errors`, one entry per invalid field, when a request failed validation) with
 * `Content-Type: application/problem+json`, `Cache-Control: no-store` and the error's own headers
 * (`Retry-After`, `WWW-Authenticate`).
 * @module
 */
import type { TokenmintError } from "./errors.js";

/** The problem document media type. */
export const PROBLEM_JSON = "application/problem+json";

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
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** The standard reason phrase of an HTTP status. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? "Error";
}

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
    title: statusTitle(error.status),
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "Content-Type": PROBLEM_JSON, "Cache-Control": "no-store", ...error.headers },
  });
}
