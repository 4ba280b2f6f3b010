/**
 * The route table of the OpenAPI document: one entry per operation the app serves, naming its
 * request and answer schemas (see `schemas.ts`) and examples. `test/openapi` walks the app's
 * registered routes and fails when one is missing here, or when an example does not validate.
 * @module
 */
import type { RequestSchemaName, ResponseSchemaName } from "./schemas.js";

/** Who may call an operation. */
export type Security = "none" | "client" | "admin" | "user" | "metrics";

/** One answer of an operation. */
export interface OperationResponse {
  readonly description: string;
  readonly schema?: ResponseSchemaName;
  /** Default `application/json`. */
  readonly contentType?: string;
  readonly example?: unknown;
}

/** One operation. */
export interface Operation {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/v1/tokens/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: "public" | "tokens" | "oauth" | "operations" | "keys" | "routing";
  readonly summary: string;
  readonly description?: string;
  readonly security: readonly Security[];
  readonly body?: {
    readonly schema: RequestSchemaName;
    readonly contentType: "application/json" | "application/x-www-form-urlencoded";
    readonly required: boolean;
    readonly example?: unknown;
  };
  readonly query?: RequestSchemaName;
  /** Query parameters not covered by a schema (name → description). */
  readonly extraQuery?: Readonly<Record<string, string>>;
  readonly responses: Readonly<Record<string, OperationResponse>>;
}

const TOKEN_EXAMPLE = "tmpat_eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiYXQrand0In0.e30.c2ln";

/** An example mint answer (validated against `IssuedToken` by the tests). */
export const ISSUED_EXAMPLE = {
  id: "VY0lq2mC8n1Jx7d3sQ4t5w",
  token: TOKEN_EXAMPLE,
  name: "ci deploy",
  description: "deploys from CI",
  subject: "alice",
  scope: ["read_api", "read_project"],
  permissions: { read_project: ["gid://gitlab/Project/42"] },
  org: "acme",
  cell: "eu-1",
  audience: ["https://api.example.com"],
  client_id: "platform",
  family: "VY0lq2mC8n1Jx7d3sQ4t5w",
  state: "active",
  created_at: "2026-11-23T12:00:00.000Z",
  expires_at: "2026-11-23T13:00:00.000Z",
  last_used_at: null,
  last_used_ips: [],
};

const problem = (description: string): OperationResponse => ({
  description,
  schema: "Problem",
  contentType: "application/problem+json",
});

const MANAGED = { "401": problem("Not authenticated"), "404": problem("No such token") };

/**
 * Revocation-class writes wait for Redis replicas (README, "Durability"): too few acknowledged in
 * time, so the change may not survive a failover; it is idempotent, so the caller retries.
 */
const NOT_DURABLE = {
  "503": problem(
    "store_not_durable (with Retry-After): too few Redis replicas acknowledged the change in time; it may or may not survive a failover, so retry (revocation is idempotent). Or store_unavailable.",
  ),
};

/** Every operation, in the order the reference shows them. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: "get",
    path: "/.well-known/jwks.json",
    operationId: "getJwks",
    tag: "public",
    summary: "The public signing keys",
    description: "`application/jwk-set+json` with `Cache-Control` and `ETag`; CORS open.",
    security: ["none"],
    responses: {
      "200": { description: "The JWKS", schema: "Jwks", contentType: "application/jwk-set+json" },
      "304": { description: "Not modified (`If-None-Match`)" },
    },
  },
  {
    method: "get",
    path: "/.well-known/oauth-authorization-server",
    operationId: "getServerMetadata",
    tag: "public",
    summary: "RFC 8414 authorization server metadata",
    security: ["none"],
    responses: { "200": { description: "The metadata", schema: "ServerMetadata" } },
  },
  {
    method: "get",
    path: "/v1/status-lists/{id}",
    operationId: "getStatusList",
    tag: "public",
    summary: "A Token Status List token",
    description:
      "A signed JWT (`application/statuslist+jwt`) with a compressed 2-bit list and a `ttl`.",
    security: ["none"],
    responses: {
      "200": { description: "The status list token", contentType: "application/statuslist+jwt" },
      "404": problem("No such list"),
    },
  },
  {
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    tag: "operations",
    summary: "Liveness",
    security: ["none"],
    responses: { "200": { description: "Alive", schema: "Health" } },
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "getReadiness",
    tag: "operations",
    summary: "Readiness (the state store answers and its epoch is the one opened)",
    security: ["none"],
    responses: {
      "200": { description: "Ready", schema: "Health" },
      "503": problem("The state store is unavailable"),
    },
  },
  {
    method: "post",
    path: "/v1/tokens",
    operationId: "mintToken",
    tag: "tokens",
    summary: "Mint a token",
    description:
      "Service clients mint for any `subject`; a user with `manage_tokens` mints for themselves, never wider than the presented token (org, audience, narrowings and a clamped expiry are inherited when left out). At most one of `expires_in` and `expires_at`. The token is in this answer only.",
    security: ["client", "user"],
    body: {
      schema: "MintRequest",
      contentType: "application/json",
      required: true,
      example: {
        subject: "alice",
        name: "ci deploy",
        description: "deploys from CI",
        scope: ["read_api", "read_project"],
        permissions: { read_project: ["gid://gitlab/Project/42"] },
        org: "acme",
        audience: ["https://api.example.com"],
        expires_in: 3600,
      },
    },
    responses: {
      "201": { description: "Minted", schema: "IssuedToken", example: ISSUED_EXAMPLE },
      "400": problem(
        "Invalid request (invalid_request, invalid_scope, invalid_expiry, token_too_large…)",
      ),
      "401": problem("Not authenticated"),
      "403": problem("insufficient_scope or wider_than_parent"),
      "409": problem("token_limit_reached"),
      "413": problem("payload_too_large"),
      "415": problem("unsupported_media_type"),
      "429": problem("rate_limited"),
    },
  },
  {
    method: "get",
    path: "/v1/tokens",
    operationId: "listTokens",
    tag: "tokens",
    summary: "List tokens, newest first",
    security: ["client", "user"],
    extraQuery: { subject: "Service clients: whose tokens (users always see their own)" },
    responses: {
      "200": { description: "The tokens (never the secrets)", schema: "TokenList" },
      "401": problem("Not authenticated"),
    },
  },
  {
    method: "get",
    path: "/v1/tokens/self",
    operationId: "showSelf",
    tag: "tokens",
    summary: "Show the presented token",
    security: ["user"],
    responses: { "200": { description: "The token", schema: "Token" }, ...MANAGED },
  },
  {
    method: "delete",
    path: "/v1/tokens/self",
    operationId: "revokeSelf",
    tag: "tokens",
    summary: "Revoke the presented token",
    security: ["user"],
    responses: { "204": { description: "Revoked" }, ...MANAGED, ...NOT_DURABLE },
  },
  {
    method: "post",
    path: "/v1/tokens/self/rotate",
    operationId: "rotateSelf",
    tag: "tokens",
    summary: "Rotate the presented token",
    security: ["user"],
    body: {
      schema: "RotateRequest",
      contentType: "application/json",
      required: false,
      example: { expires_in: 2592000 },
    },
    responses: {
      "201": { description: "The new token (shown once)", schema: "RotatedToken" },
      "400": problem("invalid_expiry or token_too_large"),
      ...MANAGED,
      "403": problem("wider_than_caller: a bearer caller asked for more than its token holds"),
      "409": problem("rotation_conflict or token_not_active"),
      ...NOT_DURABLE,
    },
  },
  {
    method: "get",
    path: "/v1/tokens/{id}",
    operationId: "showToken",
    tag: "tokens",
    summary: "Show a token",
    security: ["client", "user"],
    responses: { "200": { description: "The token", schema: "Token" }, ...MANAGED },
  },
  {
    method: "patch",
    path: "/v1/tokens/{id}",
    operationId: "updateToken",
    tag: "tokens",
    summary: "Rename or describe a token; other changes rotate it",
    description:
      "`name` and `description` change in place (200). `scope`, `permissions`, `audience`, `expires_in` or `expires_at` cannot change a signed token: it rotates (201, the new token shown once). At least one field; at most one of `expires_in` and `expires_at`.",
    security: ["client", "user"],
    body: {
      schema: "UpdateRequest",
      contentType: "application/json",
      required: true,
      example: { name: "ci deploy (eu)", description: null },
    },
    responses: {
      "200": { description: "Updated in place", schema: "UpdatedToken" },
      "201": { description: "Rotated", schema: "UpdatedToken" },
      "400": problem("Invalid request (invalid_scope, invalid_expiry, token_too_large…)"),
      ...MANAGED,
      "403": problem(
        "insufficient_scope, or wider_than_caller: the token or the change is wider than the presented token",
      ),
      ...NOT_DURABLE,
    },
  },
  {
    method: "delete",
    path: "/v1/tokens/{id}",
    operationId: "revokeToken",
    tag: "tokens",
    summary: "Revoke a token",
    security: ["client", "user"],
    responses: {
      "204": { description: "Revoked (also when it already was)" },
      ...MANAGED,
      ...NOT_DURABLE,
    },
  },
  {
    method: "post",
    path: "/v1/tokens/{id}/rotate",
    operationId: "rotateToken",
    tag: "tokens",
    summary: "Rotate a token: a new one in the same family; the old one dies",
    security: ["client", "user"],
    body: {
      schema: "RotateRequest",
      contentType: "application/json",
      required: false,
      example: { expires_in: 2592000 },
    },
    responses: {
      "201": { description: "The new token (shown once)", schema: "RotatedToken" },
      "400": problem("invalid_expiry or token_too_large"),
      ...MANAGED,
      "403": problem(
        "insufficient_scope, or wider_than_caller: the token or its successor is wider than the presented token",
      ),
      "409": problem("rotation_conflict or token_not_active"),
      ...NOT_DURABLE,
    },
  },
  {
    method: "post",
    path: "/v1/tokens/{id}/suspend",
    operationId: "suspendToken",
    tag: "tokens",
    summary: "Suspend a token (status 2)",
    security: ["client", "user"],
    responses: {
      "200": { description: "Suspended", schema: "Token" },
      ...MANAGED,
      "409": problem("invalid_state"),
      ...NOT_DURABLE,
    },
  },
  {
    method: "post",
    path: "/v1/tokens/{id}/resume",
    operationId: "resumeToken",
    tag: "tokens",
    summary: "Resume a suspended token",
    security: ["client", "user"],
    responses: {
      "200": { description: "Active again", schema: "Token" },
      ...MANAGED,
      "403": problem(
        "insufficient_scope, or wider_than_caller: the token is wider than the presented token",
      ),
      "409": problem("invalid_state"),
    },
  },
  {
    method: "post",
    path: "/v1/tokens/revoke-all",
    operationId: "revokeAll",
    tag: "tokens",
    summary: "Mass revocation by subject, org or family",
    description: "Exactly one of `subject`, `org` or `family`.",
    security: ["client"],
    body: {
      schema: "MassRevocationRequest",
      contentType: "application/json",
      required: true,
      example: { org: "acme", reason: "offboarding" },
    },
    responses: {
      "200": { description: "How many were revoked", schema: "MassRevoked" },
      ...NOT_DURABLE,
      "400": problem("Invalid request"),
      "403": problem("client_required"),
    },
  },
  {
    method: "post",
    path: "/v1/revoke",
    operationId: "revokeOAuth",
    tag: "oauth",
    summary: "RFC 7009 revocation (also the public leaked-token report path)",
    description:
      "Presenting a token is enough to revoke it. Unknown and invalid tokens answer 200.",
    security: ["none"],
    body: {
      schema: "TokenForm",
      contentType: "application/x-www-form-urlencoded",
      required: true,
      example: { token: TOKEN_EXAMPLE },
    },
    responses: { "200": { description: "Revoked, or nothing to revoke" }, ...NOT_DURABLE },
  },
  {
    method: "post",
    path: "/v1/introspect",
    operationId: "introspect",
    tag: "oauth",
    summary: "RFC 7662 introspection, exact and online",
    security: ["client"],
    body: {
      schema: "TokenForm",
      contentType: "application/x-www-form-urlencoded",
      required: true,
      example: { token: TOKEN_EXAMPLE },
    },
    responses: {
      "200": {
        description: "The token's claims when active",
        schema: "Introspection",
        example: { active: false },
      },
      "401": problem("Not authenticated"),
    },
  },
  {
    method: "post",
    path: "/v1/usage",
    operationId: "reportUsage",
    tag: "operations",
    summary: "Downstream services report batched token use",
    security: ["client"],
    body: {
      schema: "UsageReport",
      contentType: "application/json",
      required: true,
      example: {
        events: [{ jti: "VY0lq2mC8n1Jx7d3sQ4t5w", at: "2026-11-23T12:05:00Z", ip: "203.0.113.7" }],
      },
    },
    responses: { "200": { description: "Accepted", schema: "UsageAccepted" } },
  },
  {
    method: "get",
    path: "/v1/audit",
    operationId: "readAudit",
    tag: "operations",
    summary: "The audit stream, filtered and paginated (newest first)",
    security: ["client"],
    query: "AuditQuery",
    responses: { "200": { description: "One page", schema: "AuditPage" } },
  },
  {
    method: "get",
    path: "/v1/routes",
    operationId: "getRoutes",
    tag: "routing",
    summary: "The org → cell map routers cache (`ETag`, `If-None-Match`)",
    security: ["none"],
    responses: {
      "200": { description: "The map", schema: "RoutesMap" },
      "304": { description: "Not modified" },
    },
  },
  {
    method: "put",
    path: "/v1/routes/{org}",
    operationId: "moveOrg",
    tag: "routing",
    summary: "Move an organization to another cell",
    security: ["admin"],
    body: {
      schema: "OrgMoveRequest",
      contentType: "application/json",
      required: true,
      example: { cell: "cell-us-2" },
    },
    responses: {
      "200": { description: "Moved", schema: "OrgMoved" },
      "403": problem("admin_required"),
    },
  },
  {
    method: "get",
    path: "/v1/keys",
    operationId: "listKeys",
    tag: "keys",
    summary: "Signing keys: states and times (never private material)",
    security: ["admin"],
    responses: {
      "200": { description: "The keyring", schema: "Keyring" },
      "403": problem("admin_required"),
    },
  },
  {
    method: "post",
    path: "/v1/keys/rotate",
    operationId: "rotateKeys",
    tag: "keys",
    summary: "The published next key signs from now on",
    description: "`force` skips the pre-publication check (verifiers may not know the key yet).",
    security: ["admin"],
    body: {
      schema: "KeyRotateRequest",
      contentType: "application/json",
      required: false,
      example: { reason: "quarterly rotation" },
    },
    responses: {
      "200": { description: "The keyring afterwards", schema: "Keyring" },
      "403": problem("admin_required"),
      "409": problem("next_key_not_ready (with Retry-After) or no_next_key"),
    },
  },
  {
    method: "post",
    path: "/v1/keys/{kid}/revoke",
    operationId: "revokeKey",
    tag: "keys",
    summary: "Revoke a signing key: it leaves the JWKS at once, every token it signed dies",
    security: ["admin"],
    body: {
      schema: "KeyRevokeRequest",
      contentType: "application/json",
      required: false,
      example: { reason: "compromised" },
    },
    responses: {
      "200": { description: "The keyring afterwards", schema: "Keyring" },
      "403": problem("admin_required"),
      "404": problem("No such signing key"),
      ...NOT_DURABLE,
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApi",
    tag: "operations",
    summary: "This document",
    security: ["none"],
    responses: { "200": { description: "OpenAPI 3.1" } },
  },
  {
    method: "get",
    path: "/docs",
    operationId: "getDocs",
    tag: "operations",
    summary: "The interactive API reference (HTML)",
    security: ["none"],
    responses: { "200": { description: "HTML", contentType: "text/html" } },
  },
  {
    method: "get",
    path: "/docs/api-reference.js",
    operationId: "getDocsScript",
    tag: "operations",
    summary: "The API reference's script (Scalar's standalone build, served by the issuer)",
    description:
      "Cached for a year under a strong ETag (its SHA-256); `/docs` links it with a `v` query that changes with the content.",
    security: ["none"],
    responses: {
      "200": { description: "JavaScript", contentType: "text/javascript; charset=utf-8" },
      "304": { description: "Not modified: If-None-Match named the current ETag" },
    },
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    tag: "operations",
    summary: "Prometheus metrics (only with TOKENMINT_METRICS=true)",
    security: ["metrics", "none"],
    responses: {
      "200": {
        description: "Text exposition format 0.0.4",
        contentType: "text/plain; version=0.0.4",
      },
      "401": problem("The metrics secret is required (TOKENMINT_METRICS_TOKEN)"),
    },
  },
];
