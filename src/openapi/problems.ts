/**
 * The error answers of an operation, documented from the closed set of codes: each status lists
 * the codes it can carry, each code with an example problem document. One table of examples for
 * every {@link IssuerErrorCode} (the compiler insists it is complete), so each operation only
 * names its codes.
 *
 * @example
 * ```ts
 * responses: { 200: answer("The token", TokenSchema), ...problems({ 404: ["not_found"] }) }
 * ```
 * @module
 */
import type { IssuerErrorCode } from "../errors.js";
import type { OperationResponse } from "./operation.js";
import { ProblemSchema } from "./responses.js";

/** The statuses an error answer can have. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/** Error codes by status, as an operation declares them. */
export type ProblemCodes = Partial<Record<ProblemStatus, readonly IssuerErrorCode[]>>;

interface Example {
  readonly detail: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

/** One example problem per code (what the issuer says, shortened where it names a limit). */
export const PROBLEM_EXAMPLES: Readonly<Record<IssuerErrorCode, Example>> = {
  invalid_request: {
    detail: "name: required; scope[2]: must be at most 64 characters",
    errors: [
      { path: "name", message: "required" },
      { path: "scope[2]", message: "must be at most 64 characters" },
    ],
  },
  invalid_json: { detail: "The body is not valid JSON" },
  invalid_scope: { detail: "Unknown scope: admin" },
  invalid_expiry: { detail: "The lifetime must be between 5m and 365d" },
  invalid_audience: { detail: "The audience must be a subset of the configured audiences" },
  invalid_kind: { detail: "Unknown kind; this issuer mints pat, deploy, job" },
  token_too_large: {
    detail:
      "The token would be up to 9120 characters long; the limit is 8192; name fewer resources in permissions or fewer allowed_ips",
  },
  unauthenticated: { detail: "A bearer token or client credentials are required" },
  insufficient_scope: { detail: "The token needs the manage_tokens scope" },
  wider_than_parent: { detail: "A token can only mint for its own subject" },
  kind_not_self_service: { detail: "Tokens of kind job are minted by a service client only" },
  wider_than_caller: {
    detail: "Cannot rotate a token wider than the presented one: scope write_api",
  },
  admin_required: { detail: "Managing signing keys needs an admin service client" },
  client_required: { detail: "Mass revocation is for service clients" },
  token_required: { detail: "Present the token to rotate" },
  csrf_failed: { detail: "The form is stale; reload the page" },
  ip_not_allowed: { detail: "The token may not be used from 198.51.100.7" },
  not_found: { detail: "No such token" },
  method_not_allowed: { detail: "PUT is not allowed here; use GET, HEAD, POST" },
  invalid_state: { detail: "The token is revoked, not active" },
  token_not_active: { detail: "The token is revoked and cannot be rotated" },
  token_not_pending: { detail: "The token is active, not pending" },
  rotation_conflict: { detail: "The token was rotated or revoked concurrently" },
  token_limit_reached: { detail: "The subject already has 100 live tokens; revoke some first" },
  no_next_key: { detail: "No next key is published yet; retry in a minute" },
  next_key_not_ready: {
    detail:
      "The next key has been published for less than the pre-publication window; verifiers may not know it yet (retry later, or force)",
  },
  payload_too_large: { detail: "Request body exceeds 16384 bytes" },
  unsupported_media_type: { detail: "Content-Type must be application/json" },
  rate_limited: { detail: "Too many requests; retry later" },
  internal_error: { detail: "Internal error" },
  configuration_invalid: { detail: "The issuer is misconfigured" },
  store_unavailable: { detail: "The state store is unavailable" },
  store_not_durable: { detail: "The change was not confirmed by enough replicas; retry" },
};

const TITLES: Readonly<Record<ProblemStatus, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

const HEADER_NOTES: Partial<Record<ProblemStatus, string>> = {
  401: " `WWW-Authenticate` names the scheme.",
  429: " `Retry-After` says when.",
  503: " `Retry-After` says when; `store_not_durable` means the change may or may not survive a Redis failover, so retry (revocation is idempotent).",
};

/** The example problem document of `code` at `status`. */
export function problemExample(status: ProblemStatus, code: IssuerErrorCode) {
  const { detail, errors } = PROBLEM_EXAMPLES[code];
  return {
    type: `https://tokenmint.dev/problems/${code}`,
    title: TITLES[status],
    status,
    code,
    detail,
    ...(errors === undefined ? {} : { errors }),
  };
}

/**
 * The error answers of an operation; several sets merge (codes of one status are joined).
 *
 * @example
 * ```ts
 * problems({ 401: ["unauthenticated"] }, { 404: ["not_found"], 503: ["store_unavailable"] });
 * ```
 */
export function problems(...sets: readonly ProblemCodes[]): Record<number, OperationResponse> {
  const merged = new Map<ProblemStatus, IssuerErrorCode[]>();
  for (const set of sets) {
    for (const [key, codes] of Object.entries(set) as [string, readonly IssuerErrorCode[]][]) {
      const status = Number(key) as ProblemStatus;
      const known = merged.get(status) ?? [];
      merged.set(status, [...known, ...codes.filter((code) => !known.includes(code))]);
    }
  }
  const responses: Record<number, OperationResponse> = {};
  for (const [status, codes] of [...merged].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `${codes.map((code) => `\`${code}\``).join(", ")}.${HEADER_NOTES[status] ?? ""}`,
      schema: ProblemSchema,
      contentType: "application/problem+json",
      examples: Object.fromEntries(
        codes.map((code) => [
          code,
          { summary: PROBLEM_EXAMPLES[code].detail, value: problemExample(status, code) },
        ]),
      ),
    };
  }
  return responses;
}

/** A read or write the state store must answer. */
export const STORE: ProblemCodes = { 503: ["store_unavailable"] };

/** A revocation-class write, which waits for Redis replicas. */
export const DURABLE_WRITE: ProblemCodes = { 503: ["store_unavailable", "store_not_durable"] };

/** An operation that needs credentials. */
export const AUTHENTICATED: ProblemCodes = { 401: ["unauthenticated"] };

/**
 * An operation that takes client credentials or a bearer token; a token with `allowed_ips`
 * presented from another address is refused.
 */
export const BEARER_OR_CLIENT: ProblemCodes = { 401: ["unauthenticated"], 403: ["ip_not_allowed"] };

/** A token operation for service clients or users with `manage_tokens`, on a token by id. */
export const MANAGED_TOKEN: ProblemCodes = {
  401: ["unauthenticated"],
  403: ["ip_not_allowed", "insufficient_scope"],
  404: ["not_found"],
  503: ["store_unavailable"],
};

/** A JSON body, validated with a zod schema. */
export const JSON_BODY: ProblemCodes = {
  400: ["invalid_request", "invalid_json"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
};

/** An `application/x-www-form-urlencoded` body. */
export const FORM_BODY: ProblemCodes = {
  400: ["invalid_request"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
};

/** Issuing a token: policy checks and the per-client mint rate. */
export const ISSUING: ProblemCodes = {
  400: ["invalid_scope", "invalid_expiry", "invalid_audience", "invalid_kind", "token_too_large"],
  429: ["rate_limited"],
};

/** Admin service clients only. */
export const ADMIN: ProblemCodes = { 401: ["unauthenticated"], 403: ["admin_required"] };
