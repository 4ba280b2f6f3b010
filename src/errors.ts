/**
 * The one error hierarchy of tokenmint. Every error that leaves the issuer over HTTP is a
 * {@link TokenmintError}; `app.onError` turns it into an RFC 9457 problem+json body carrying the
 * stable `code`. Messages never contain a token or a secret.
 *
 * @example
 * ```ts
 * throw new InvalidRequest("invalid_scope", "Unknown scope: admin");
 * ```
 * @module
 */

/** Base class: a stable machine-readable `code`, an HTTP `status` and a short public `detail`. */
export class TokenmintError extends Error {
  /** Stable identifier callers switch on, e.g. `invalid_request`. */
  readonly code: string;
  /** HTTP status the issuer answers with. */
  readonly status: number;
  /** Extra response headers (e.g. `Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    detail: string,
    status: number,
    headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(detail, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/** 400: the request is malformed or violates policy. */
export class InvalidRequest extends TokenmintError {
  constructor(code: string, detail: string) {
    super(code, detail, 400);
  }
}

/** 401: no credentials, or credentials that do not authenticate. */
export class Unauthenticated extends TokenmintError {
  constructor(detail = "Authentication required", scheme: "Basic" | "Bearer" = "Bearer") {
    const challenge =
      scheme === "Bearer"
        ? 'Bearer realm="tokenmint", error="invalid_token"'
        : 'Basic realm="tokenmint", charset="UTF-8"';
    super("unauthenticated", detail, 401, { "WWW-Authenticate": challenge });
  }
}

/** 403: authenticated, but not allowed to do this. */
export class Forbidden extends TokenmintError {
  constructor(code: string, detail: string) {
    super(code, detail, 403);
  }
}

/** 404: no such resource visible to the caller. */
export class NotFound extends TokenmintError {
  constructor(detail = "Not found") {
    super("not_found", detail, 404);
  }
}

/** 409: the resource is in a state that forbids the change. */
export class Conflict extends TokenmintError {
  constructor(code: string, detail: string) {
    super(code, detail, 409);
  }
}

/** 413: the body is larger than allowed. */
export class PayloadTooLarge extends TokenmintError {
  constructor(limit: number) {
    super("payload_too_large", `Request body exceeds ${limit} bytes`, 413);
  }
}

/** 415: the body is not of the content type the endpoint takes. */
export class UnsupportedMediaType extends TokenmintError {
  constructor(expected: string) {
    super("unsupported_media_type", `Content-Type must be ${expected}`, 415);
  }
}

/** 503: the state store cannot be reached or cannot be trusted; the issuer fails closed. */
export class StoreUnavailable extends TokenmintError {
  constructor(detail = "The state store is unavailable", options?: ErrorOptions) {
    super("store_unavailable", detail, 503, { "Retry-After": "5" }, options);
  }
}

/**
 * 503: a revocation-class write reached the Redis primary, but fewer replicas than required
 * acknowledged it in time, so a failover could still lose it. The write may or may not survive;
 * revocation is idempotent, so the caller retries.
 */
export class StoreNotDurable extends TokenmintError {
  constructor(
    detail = "The change was not confirmed by enough replicas; retry",
    options?: ErrorOptions,
  ) {
    super("store_not_durable", detail, 503, { "Retry-After": "1" }, options);
  }
}

/** 429: too many requests in the current window. */
export class RateLimited extends TokenmintError {
  constructor(retryAfterSeconds: number) {
    super("rate_limited", "Too many requests; retry later", 429, {
      "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
