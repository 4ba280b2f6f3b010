/**
 * The one error hierarchy of tokenmint. Every error that leaves the issuer over HTTP is a
 * {@link TokenmintError}; `app.onError` turns it into an RFC 9457 problem+json body carrying the
 * stable `code`. The issuer's codes are a closed set ({@link ISSUER_ERROR_CODES}), so a client can
 * switch on them and the OpenAPI document lists them. Messages never contain a token or a secret.
 *
 * @example
 * ```ts
 * throw new InvalidRequest("invalid_scope", "Unknown scope: admin");
 * ```
 * @module
 */

/**
 * Every `code` the issuer answers with, the enum of the OpenAPI `Problem` schema.
 *
 * @example
 * ```ts
 * ISSUER_ERROR_CODES.includes("rate_limited"); // true
 * ```
 */
export const ISSUER_ERROR_CODES = [
  // 400
  "invalid_request",
  "invalid_json",
  "invalid_scope",
  "invalid_expiry",
  "invalid_audience",
  "invalid_kind",
  "token_too_large",
  // 401
  "unauthenticated",
  // 403
  "insufficient_scope",
  "wider_than_parent",
  "wider_than_caller",
  "kind_not_self_service",
  "admin_required",
  "client_required",
  "token_required",
  "csrf_failed",
  "ip_not_allowed",
  // 404, 405
  "not_found",
  "method_not_allowed",
  // 409
  "invalid_state",
  "token_not_active",
  "token_not_pending",
  "rotation_conflict",
  "token_limit_reached",
  "no_next_key",
  "next_key_not_ready",
  // 413, 415, 429
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  // 500, 503
  "internal_error",
  "configuration_invalid",
  "store_unavailable",
  "store_not_durable",
] as const;

/** A stable code of the issuer's problems (see {@link ISSUER_ERROR_CODES}). */
export type IssuerErrorCode = (typeof ISSUER_ERROR_CODES)[number];

/**
 * One field of a request that failed validation, in plain words (never the value sent).
 *
 * @example
 * ```ts
 * const problem: FieldProblem = { path: "scope[2]", message: "must be at most 64 characters" };
 * ```
 */
export interface FieldProblem {
  /** Where in the request: `name`, `scope[2]`, `permissions.read_project[0]`, or `body`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Base class of every tokenmint error: a stable machine-readable `code`, an HTTP `status` and a
 * short public `detail`. Each family closes its own set of codes: the issuer's
 * ({@link IssuerError}), the verifier's and the router's.
 */
export class TokenmintError<Code extends string = string> extends Error {
  /** Stable identifier callers switch on, e.g. `invalid_request`. */
  readonly code: Code;
  /** HTTP status the issuer answers with. */
  readonly status: number;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;
  /** The fields a validation failure is about (problem+json `errors`). */
  readonly errors: readonly FieldProblem[] | undefined;

  protected constructor(
    code: Code,
    detail: string,
    status: number,
    headers: Record<string, string> = {},
    options?: ErrorOptions & { readonly errors?: readonly FieldProblem[] },
  ) {
    super(detail, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = headers;
    this.errors = options?.errors;
  }
}

/**
 * An error of the issuer, with a code from {@link ISSUER_ERROR_CODES} (a typo does not compile).
 *
 * @example
 * ```ts
 * throw new IssuerError("next_key_not_ready", "Retry later", 409, { "Retry-After": "60" });
 * ```
 */
export class IssuerError extends TokenmintError<IssuerErrorCode> {
  constructor(
    code: IssuerErrorCode,
    detail: string,
    status: number,
    headers: Record<string, string> = {},
    options?: ErrorOptions & { readonly errors?: readonly FieldProblem[] },
  ) {
    super(code, detail, status, headers, options);
  }
}

/** 400: the request is malformed or violates policy; `errors` names the fields when known. */
export class InvalidRequest extends IssuerError {
  constructor(code: IssuerErrorCode, detail: string, errors?: readonly FieldProblem[]) {
    super(code, detail, 400, {}, errors === undefined ? undefined : { errors });
  }
}

/** 401: no credentials, or credentials that do not authenticate. */
export class Unauthenticated extends IssuerError {
  constructor(detail = "Authentication required", scheme: "Basic" | "Bearer" = "Bearer") {
    const challenge =
      scheme === "Bearer"
        ? 'Bearer realm="tokenmint", error="invalid_token"'
        : 'Basic realm="tokenmint", charset="UTF-8"';
    super("unauthenticated", detail, 401, { "WWW-Authenticate": challenge });
  }
}

/** 403: authenticated, but not allowed to do this. */
export class Forbidden extends IssuerError {
  constructor(code: IssuerErrorCode, detail: string) {
    super(code, detail, 403);
  }
}

/** 404: no such resource visible to the caller. */
export class NotFound extends IssuerError {
  constructor(detail = "Not found") {
    super("not_found", detail, 404);
  }
}

/** 405: the path exists, but not for this method; `Allow` lists the methods it takes. */
export class MethodNotAllowed extends IssuerError {
  constructor(method: string, allowed: readonly string[]) {
    super("method_not_allowed", `${method} is not allowed here; use ${allowed.join(", ")}`, 405, {
      Allow: allowed.join(", "),
    });
  }
}

/** 409: the resource is in a state that forbids the change. */
export class Conflict extends IssuerError {
  constructor(code: IssuerErrorCode, detail: string, headers: Record<string, string> = {}) {
    super(code, detail, 409, headers);
  }
}

/** 413: the body is larger than allowed. */
export class PayloadTooLarge extends IssuerError {
  constructor(limit: number) {
    super("payload_too_large", `Request body exceeds ${limit} bytes`, 413);
  }
}

/** 415: the body is not of the content type the endpoint takes. */
export class UnsupportedMediaType extends IssuerError {
  constructor(expected: string) {
    super("unsupported_media_type", `Content-Type must be ${expected}`, 415);
  }
}

/** 500: an unexpected failure, or an issuer that cannot start; the details go to the log only. */
export class InternalError extends IssuerError {
  constructor(code: "internal_error" | "configuration_invalid" = "internal_error") {
    super(code, code === "internal_error" ? "Internal error" : "The issuer is misconfigured", 500);
  }
}

/** 503: the state store cannot be reached or cannot be trusted; the issuer fails closed. */
export class StoreUnavailable extends IssuerError {
  constructor(detail = "The state store is unavailable", options?: ErrorOptions) {
    super("store_unavailable", detail, 503, { "Retry-After": "5" }, options);
  }
}

/**
 * 503: a revocation-class write reached the Redis primary, but fewer replicas than required
 * acknowledged it in time, so a failover could still lose it. The write may or may not survive;
 * revocation is idempotent, so the caller retries.
 */
export class StoreNotDurable extends IssuerError {
  constructor(
    detail = "The change was not confirmed by enough replicas; retry",
    options?: ErrorOptions,
  ) {
    super("store_not_durable", detail, 503, { "Retry-After": "1" }, options);
  }
}

/** 429: too many requests in the current window. */
export class RateLimited extends IssuerError {
  constructor(retryAfterSeconds: number) {
    super("rate_limited", "Too many requests; retry later", 429, {
      "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
