/**
 * The router's own failures and their one exit: RFC 9457 problem+json with a stable `code` and
 * `Cache-Control: no-store`, the same shape as the issuer's and the verifier's problems. Token
 * failures are answered by the verifier's `tokenProblem`; the errors here are about the gateway.
 *
 * @example
 * ```ts
 * return routerProblem(new CellUnknown());
 * ```
 * @module
 */
import { TokenmintError } from "../errors.js";
import { problemResponse } from "../problem-json.js";

/** The stable codes of the router's own failures. */
export type RouterErrorCode = "cell_unknown" | "upstream_unavailable" | "router_failed";

/** Base class of the router's own failures. */
export class RouterError extends TokenmintError {
  declare readonly code: RouterErrorCode;
}

/** No configured upstream serves the cell the token routes to (HTTP 502). */
export class CellUnknown extends RouterError {
  constructor(detail = "No upstream is configured for the token's cell") {
    super("cell_unknown", detail, 502);
  }
}

/** The cell's upstream could not be reached or broke off before answering (HTTP 502). */
export class UpstreamUnavailable extends RouterError {
  constructor(options?: ErrorOptions) {
    super("upstream_unavailable", "The cell did not answer", 502, {}, options);
  }
}

/** Anything unexpected inside the router (HTTP 500; the details go to the log only). */
export class RouterFailed extends RouterError {
  constructor(options?: ErrorOptions) {
    super("router_failed", "The router failed to handle the request", 500, {}, options);
  }
}

/**
 * The problem+json response for a router failure.
 *
 * @example
 * ```ts
 * return routerProblem(new UpstreamUnavailable({ cause: error }));
 * ```
 */
export const routerProblem: (error: RouterError) => Response = problemResponse;
