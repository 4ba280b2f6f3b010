/**
 * Zod schemas of what the issuer answers, named for the OpenAPI document. Request schemas are the
 * ones the handlers validate with and live beside them; these describe answers, and the tests parse
 * real answers with them so the document cannot drift from the code.
 * @module
 */
import { z } from "zod";
import { ISSUER_ERROR_CODES } from "../errors.js";
import { named } from "./operation.js";

const isoTime = z.iso.datetime({ offset: true });

/** `application/problem+json` (RFC 9457), with the issuer's closed set of codes. */
export const ProblemSchema = named(
  "Problem",
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(ISSUER_ERROR_CODES).describe("Stable machine-readable error code"),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          path: z.string().describe("The field: `name`, `scope[2]`, `events[0].at`, or `body`"),
          message: z.string().describe("What is wrong, in plain words"),
        }),
      )
      .optional()
      .describe("Each invalid field, when the request failed validation"),
  }),
);

/** A token as listed and shown: never the token itself. */
const tokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  subject: z.string(),
  scope: z.array(z.string()),
  permissions: z.record(z.string(), z.array(z.string())).nullable(),
  org: z.string().nullable(),
  cell: z.string().nullable(),
  audience: z.array(z.string()),
  allowed_ips: z
    .array(z.string())
    .nullable()
    .describe("The networks (normalized CIDRs) the token may be used from; null: anywhere"),
  client_id: z.string(),
  family: z.string(),
  kind: z.string().describe("The token kind (`TOKENMINT_TOKEN_KINDS`), e.g. `pat` or `deploy`"),
  state: z
    .enum(["active", "pending", "suspended", "revoked", "rotated"])
    .describe("`pending`: waits for its organization's approval and does not work until approved"),
  approval: z
    .object({
      status: z.enum(["pending", "approved", "denied"]),
      decided_at: isoTime.nullable(),
      decided_by: z.string().nullable().describe("Who decided, e.g. `client:platform`"),
      reason: z.string().nullable(),
    })
    .nullable()
    .describe("Organization approval: null for a token that never needed one"),
  created_at: isoTime,
  expires_at: isoTime.nullable(),
  last_used_at: isoTime.nullable(),
  last_used_ips: z.array(z.string()),
});

/** A freshly minted token: the secret is in this answer only. */
const issuedTokenSchema = tokenViewSchema.extend({
  token: z.string().describe("The token: shown once, stored nowhere"),
});

/** The answer to a rotation: the new token and the id of the one it replaced. */
const rotatedTokenSchema = issuedTokenSchema.extend({ rotated_from: z.string() });

/** `PATCH` answers: either updated in place, or rotated. */
const updatedTokenSchema = z.union([
  tokenViewSchema.extend({ rotated: z.literal(false) }),
  rotatedTokenSchema.extend({ rotated: z.literal(true) }),
]);

const tokenListSchema = z.object({ tokens: z.array(tokenViewSchema) });

const introspectionSchema = z.union([
  z.object({ active: z.literal(false) }),
  z.looseObject({
    active: z.literal(true),
    token_type: z.literal("Bearer"),
    iss: z.string(),
    sub: z.string(),
    aud: z.array(z.string()),
    client_id: z.string(),
    iat: z.number().int(),
    nbf: z.number().int(),
    exp: z.number().int().optional(),
    jti: z.string(),
    scope: z.string(),
    permissions: z.record(z.string(), z.array(z.string())).optional(),
    org: z.string().optional(),
    cell: z.string().optional(),
    allowed_ips: z
      .array(z.string())
      .optional()
      .describe("The networks (normalized CIDRs) the token may be used from; absent: anywhere"),
    fam: z.string(),
    kind: z.string().describe("The token kind; `pat` for tokens minted before kinds"),
    status: z.object({
      status_list: z.object({ idx: z.number().int(), uri: z.string() }),
    }),
  }),
]);

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

const metadataSchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
  introspection_endpoint: z.string(),
  revocation_endpoint: z.string(),
  scopes_supported: z.array(z.string()),
  status_list_uri_template: z.string(),
  access_token_signing_alg_values_supported: z.array(z.string()),
  tokenmint_token_prefix: z.string().describe("The prefix of `pat` tokens, the default kind"),
  tokenmint_token_prefixes: z
    .record(z.string(), z.string())
    .describe("Every token kind and its prefix (the verifier's `prefixes` option)"),
  tokenmint_token_kinds: z
    .record(
      z.string(),
      z.object({
        prefix: z.string(),
        scopes: z.array(z.string()),
        self_service: z.boolean(),
      }),
    )
    .describe("Every token kind: its prefix, the scopes it may carry, whether users mint it"),
});

const routesMapSchema = z.object({
  version: z.number().int(),
  default_cell: z.string().nullable(),
  cells: z.record(z.string(), z.string()),
});

const orgMovedSchema = z.object({
  org: z.string(),
  cell: z.string(),
  version: z.number().int(),
});

const auditPageSchema = z.object({
  events: z.array(
    z.looseObject({ id: z.string(), type: z.string(), actor: z.string(), time: isoTime }),
  ),
  next_cursor: z.string().nullable(),
});

const usageAcceptedSchema = z.object({ accepted: z.number().int() });
const massRevokedSchema = z.object({ revoked: z.number().int() });
const healthSchema = z.object({ status: z.string() });

const keyringViewSchema = z.object({
  keys: z.array(
    z.object({
      kid: z.string(),
      alg: z.string(),
      state: z.enum(["next", "active", "retired", "revoked"]),
      published: z.boolean(),
      created_at: isoTime,
      activated_at: isoTime.nullable(),
      retired_at: isoTime.nullable(),
      revoked_at: isoTime.nullable(),
      latest_exp: isoTime.nullable(),
      signed_non_expiring: z.boolean(),
      unpublish_at: isoTime.nullable(),
      kek: z.string().nullable(),
    }),
  ),
  rotation: z.object({
    period_seconds: z.number().int(),
    prepublication_seconds: z.number().int(),
    next_rotation_at: isoTime.nullable(),
  }),
});

/** Every answer schema under its component name. */
export const Answers = {
  Token: named("Token", tokenViewSchema),
  IssuedToken: named("IssuedToken", issuedTokenSchema),
  RotatedToken: named("RotatedToken", rotatedTokenSchema),
  UpdatedToken: named("UpdatedToken", updatedTokenSchema),
  TokenList: named("TokenList", tokenListSchema),
  Introspection: named("Introspection", introspectionSchema),
  Jwks: named("Jwks", jwksSchema),
  ServerMetadata: named("ServerMetadata", metadataSchema),
  RoutesMap: named("RoutesMap", routesMapSchema),
  OrgMoved: named("OrgMoved", orgMovedSchema),
  AuditPage: named("AuditPage", auditPageSchema),
  UsageAccepted: named("UsageAccepted", usageAcceptedSchema),
  MassRevoked: named("MassRevoked", massRevokedSchema),
  Health: named("Health", healthSchema),
  Keyring: named("Keyring", keyringViewSchema),
  Problem: ProblemSchema,
} as const;
