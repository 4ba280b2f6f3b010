/**
 * Request bodies of the lifecycle endpoints (update, rotate, mass revocation, usage reports).
 * @module
 */
import { z } from "zod";
import {
  allowedIpsSchema,
  EXPIRY_FIELDS as expiry,
  IDENTIFIER,
  MINT_LIMITS,
  ONE_EXPIRY,
} from "./mint-request.js";

/** `PATCH /v1/tokens/{id}`: name and description change in place; the rest means a rotation. */
export const updateRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().max(1000).nullable().optional(),
    scope: z.array(z.string().min(1).max(64)).min(1).max(MINT_LIMITS.scopes).optional(),
    permissions: z
      .record(z.string().min(1).max(64), z.array(z.string().min(1).max(512)).min(1).max(256))
      .nullable()
      .optional(),
    audience: z.array(z.string().min(1).max(512)).min(1).max(MINT_LIMITS.audiences).optional(),
    allowed_ips: allowedIpsSchema.nullable().optional(),
    ...expiry,
  })
  .refine((body) => Object.keys(body).length > 0, { message: "nothing to change" })
  .refine(ONE_EXPIRY.check, ONE_EXPIRY.params);

/** `POST /v1/tokens/{id}/rotate`: an optional new expiry. */
export const rotateRequestSchema = z
  .strictObject(expiry)
  .refine(ONE_EXPIRY.check, ONE_EXPIRY.params);

/** `POST /v1/tokens/{id}/approve` and `/deny`: an optional reason, audited and shown with the token. */
export const approvalRequestSchema = z.strictObject({
  reason: z.string().trim().min(1).max(200).optional(),
});

/** `POST /v1/tokens/revoke-all`: exactly one of subject, org or family. */
export const massRevocationSchema = z
  .strictObject({
    subject: z.string().regex(IDENTIFIER).optional(),
    org: z.string().regex(IDENTIFIER).optional(),
    family: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    reason: z.string().min(1).max(200).optional(),
  })
  .refine(
    (body) => [body.subject, body.org, body.family].filter((v) => v !== undefined).length === 1,
    { message: "give exactly one of subject, org or family" },
  );

/** `POST /v1/usage`: batched use reports from downstream services. */
export const usageReportSchema = z.strictObject({
  events: z
    .array(
      z.strictObject({
        jti: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        at: z.union([z.iso.datetime({ offset: true }), z.number().int().positive()]),
        ip: z.union([z.ipv4(), z.ipv6()]).optional(),
      }),
    )
    .min(1)
    .max(1000),
});
