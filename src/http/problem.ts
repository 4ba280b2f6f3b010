/**
 * The one exit for errors (`app.onError`): every failure leaves as an RFC 9457 problem document
 * (see {@link problemResponse}). Unexpected errors are logged and answered with a generic 500.
 * @module
 */
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { InternalError, IssuerError, TokenmintError } from "../errors.js";
import type { Logger } from "../logger.js";
import { problemResponse, statusTitle } from "../problem-json.js";

export { PROBLEM_JSON, problemResponse } from "../problem-json.js";

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
        new IssuerError("invalid_request", statusTitle(error.status), error.status),
      );
    }
    logger.error("request.crashed", {
      method: c.req.method,
      path: c.req.path,
      error: error.name,
      message: error.message,
    });
    return problemResponse(new InternalError());
  };
}
