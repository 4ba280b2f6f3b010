/**
 * RFC 9457 problem documents for the package's errors, in the same shape the tokenmint issuer
 * answers with (`{type, title, status, code, detail}`, `application/problem+json`,
 * `Cache-Control: no-store`, the error's own headers), so a client reads one format everywhere.
 *
 * @example
 * ```ts
 * return tokenProblem(new TokenExpired());
 * ```
 * @module
 */
import type { VerifierError } from "../errors.js";

/** The problem document media type. */
export const PROBLEM_JSON = "application/problem+json";

const TITLES: Readonly<Record<number, string>> = {
  401: "Unauthorized",
  403: "Forbidden",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * The problem+json response for an error of this package.
 *
 * @example
 * ```ts
 * const response = tokenProblem(new TokenMissing()); // 401, WWW-Authenticate: Bearer
 * ```
 */
export function tokenProblem(error: VerifierError): Response {
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
