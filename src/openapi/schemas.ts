/**
 * Every schema the OpenAPI document names, by component name: request schemas are the very
 * objects the handlers validate with; answers come from `responses.ts`.
 * @module
 */

import { keyRevokeRequestSchema, keyRotateRequestSchema } from "../http/routes/keys.js";
import { moveSchema } from "../http/routes/org-routes.js";
import { auditQuerySchema } from "../http/routes/usage-and-audit.js";
import {
  massRevocationSchema,
  rotateRequestSchema,
  updateRequestSchema,
  usageReportSchema,
} from "../tokens/lifecycle-requests.js";
import { mintRequestSchema } from "../tokens/mint-request.js";
import {
  auditPageSchema,
  healthSchema,
  introspectionSchema,
  issuedTokenSchema,
  jwksSchema,
  keyringViewSchema,
  massRevokedSchema,
  metadataSchema,
  orgMovedSchema,
  problemSchema,
  rotatedTokenSchema,
  routesMapSchema,
  tokenFormSchema,
  tokenListSchema,
  tokenViewSchema,
  updatedTokenSchema,
  usageAcceptedSchema,
} from "./responses.js";

/** Request bodies and queries (rendered as the input side: defaults are optional). */
export const REQUEST_SCHEMAS = {
  MintRequest: mintRequestSchema,
  UpdateRequest: updateRequestSchema,
  RotateRequest: rotateRequestSchema,
  MassRevocationRequest: massRevocationSchema,
  UsageReport: usageReportSchema,
  OrgMoveRequest: moveSchema,
  KeyRotateRequest: keyRotateRequestSchema,
  KeyRevokeRequest: keyRevokeRequestSchema,
  TokenForm: tokenFormSchema,
  AuditQuery: auditQuerySchema,
} as const;

/** Answers (rendered as the output side). */
export const RESPONSE_SCHEMAS = {
  Problem: problemSchema,
  Token: tokenViewSchema,
  IssuedToken: issuedTokenSchema,
  RotatedToken: rotatedTokenSchema,
  UpdatedToken: updatedTokenSchema,
  TokenList: tokenListSchema,
  Introspection: introspectionSchema,
  Jwks: jwksSchema,
  ServerMetadata: metadataSchema,
  RoutesMap: routesMapSchema,
  OrgMoved: orgMovedSchema,
  AuditPage: auditPageSchema,
  UsageAccepted: usageAcceptedSchema,
  MassRevoked: massRevokedSchema,
  Health: healthSchema,
  Keyring: keyringViewSchema,
} as const;

export type RequestSchemaName = keyof typeof REQUEST_SCHEMAS;
export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;
