/**
 * Why a token failed verification. Every failure is a {@link TokenVerificationFailed} subclass
 * with a stable `code`; callers switch on `code`. Messages never contain the token.
 *
 * @example
 * ```ts
 * try { await verify(token) } catch (e) {
 *   if (e instanceof TokenVerificationFailed && e.code === "token_revoked") { ... }
 * }
 * ```
 * @module
 */

/**
 * Base class of every error this package throws: a stable machine-readable `code`, the HTTP
 * `status` a service answers with, the response headers that go with it, and a short public
 * message (never the token).
 *
 * @example
 * ```ts
 * if (error instanceof VerifierError) return new Response(error.message, { status: error.status });
 * ```
 */
export class VerifierError<Code extends string = string> extends Error {
  /** Stable identifier callers switch on, e.g. `token_expired`. */
  readonly code: Code;
  /** HTTP status a service answers with. */
  readonly status: number;
  /** Response headers (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    code: Code,
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

/** The stable codes a verification failure carries. */
export type VerificationCode =
  | "token_malformed"
  | "token_expired"
  | "token_not_yet_valid"
  | "signature_invalid"
  | "key_unknown"
  | "issuer_mismatch"
  | "audience_mismatch"
  | "type_mismatch"
  | "algorithm_not_allowed"
  | "claim_invalid"
  | "kind_not_accepted"
  | "token_revoked"
  | "token_suspended"
  | "status_unavailable"
  | "keys_unavailable"
  | "token_missing";

/** Base class of every verification failure (HTTP 401 unless said otherwise). */
export class TokenVerificationFailed extends VerifierError<VerificationCode> {
  constructor(code: VerificationCode, detail: string, status = 401, options?: ErrorOptions) {
    super(
      code,
      detail,
      status,
      status === 401
        ? { "WWW-Authenticate": 'Bearer error="invalid_token"' }
        : { "Retry-After": "5" },
      options,
    );
  }
}

/** The token is not a well-formed, canonical tokenmint token. */
export class TokenMalformed extends TokenVerificationFailed {
  constructor(detail = "The token is malformed", options?: ErrorOptions) {
    super("token_malformed", detail, 401, options);
  }
}

/** The token's `exp` has passed. */
export class TokenExpired extends TokenVerificationFailed {
  constructor() {
    super("token_expired", "The token has expired");
  }
}

/** The token's `nbf` or `iat` lies in the future beyond the tolerance. */
export class TokenNotYetValid extends TokenVerificationFailed {
  constructor() {
    super("token_not_yet_valid", "The token is not valid yet");
  }
}

/** The signature does not verify. */
export class SignatureInvalid extends TokenVerificationFailed {
  constructor() {
    super("signature_invalid", "The token signature is invalid");
  }
}

/** No published key matches the token's `kid` and `alg`. */
export class KeyUnknown extends TokenVerificationFailed {
  constructor() {
    super("key_unknown", "The token was signed with an unknown key");
  }
}

/** `iss` is not the pinned issuer. */
export class IssuerMismatch extends TokenVerificationFailed {
  constructor() {
    super("issuer_mismatch", "The token was issued by another issuer");
  }
}

/** `aud` does not name this service. */
export class AudienceMismatch extends TokenVerificationFailed {
  constructor() {
    super("audience_mismatch", "The token is not meant for this audience");
  }
}

/** The header `typ` is not `at+jwt`. */
export class TypeMismatch extends TokenVerificationFailed {
  constructor() {
    super("type_mismatch", "The token is not an access token");
  }
}

/** The header `alg` is not one the verifier accepts. */
export class AlgorithmNotAllowed extends TokenVerificationFailed {
  constructor() {
    super("algorithm_not_allowed", "The token's algorithm is not allowed");
  }
}

/** A required claim is missing or has the wrong shape. */
export class ClaimInvalid extends TokenVerificationFailed {
  constructor(detail = "A required claim is missing or invalid") {
    super("claim_invalid", detail);
  }
}

/**
 * The token is valid but of a kind this verifier does not accept (its `kinds` option).
 *
 * @example
 * ```ts
 * if (error.code === "kind_not_accepted") log("a token of another kind was presented");
 * ```
 */
export class KindNotAccepted extends TokenVerificationFailed {
  constructor() {
    super("kind_not_accepted", "Tokens of this kind are not accepted here");
  }
}

/** The token's status is revoked (or it was rotated out, or its key was revoked). */
export class TokenRevoked extends TokenVerificationFailed {
  constructor(detail = "The token has been revoked") {
    super("token_revoked", detail);
  }
}

/** The token is suspended. */
export class TokenSuspended extends TokenVerificationFailed {
  constructor() {
    super("token_suspended", "The token is suspended");
  }
}

/** The status list could not be fetched or verified, and no fresh copy is cached (HTTP 503). */
export class StatusUnavailable extends TokenVerificationFailed {
  constructor(detail = "The token status cannot be checked right now", options?: ErrorOptions) {
    super("status_unavailable", detail, 503, options);
  }
}

/**
 * The issuer's keys cannot be fetched and no cached copy is young enough to trust (HTTP 503).
 *
 * @example
 * ```ts
 * if (error.code === "keys_unavailable") retryLater(error.headers["Retry-After"]);
 * ```
 */
export class KeysUnavailable extends TokenVerificationFailed {
  constructor(detail = "The issuer's keys cannot be fetched right now", options?: ErrorOptions) {
    super("keys_unavailable", detail, 503, options);
  }
}

/**
 * The request carries no bearer token at all. Per RFC 6750 section 3.1 the challenge then names
 * no error.
 *
 * @example
 * ```ts
 * if (!header) throw new TokenMissing();
 * ```
 */
export class TokenMissing extends TokenVerificationFailed {
  constructor() {
    super("token_missing", "A bearer token is required");
    this.headers["WWW-Authenticate"] = "Bearer";
  }
}

/**
 * The token is valid but does not carry the permission (on the resource, in the organization) the
 * request needs (HTTP 403). Not a verification failure: the token itself is fine.
 *
 * @example
 * ```ts
 * if (!can(claims, "read_project", id)) throw new InsufficientScope();
 * ```
 */
export class InsufficientScope extends VerifierError<"insufficient_scope"> {
  constructor(detail = "The token does not grant this permission") {
    super("insufficient_scope", detail, 403, {
      "WWW-Authenticate": 'Bearer error="insufficient_scope"',
    });
  }
}

/**
 * The token is valid but carries `allowed_ips`, and the request comes from an address outside
 * them, or from one the service cannot tell (HTTP 403). Not a verification failure: the token
 * itself is fine, the place it is used from is not.
 *
 * @example
 * ```ts
 * if (!addressInRanges(address, claims.allowed_ips)) throw new IpNotAllowed();
 * ```
 */
export class IpNotAllowed extends VerifierError<"ip_not_allowed"> {
  constructor(detail = "The token may not be used from this address") {
    super("ip_not_allowed", detail, 403);
  }
}
