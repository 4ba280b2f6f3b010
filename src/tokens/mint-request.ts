/**
 * The body of `POST /v1/tokens`, validated with zod (unknown fields are refused).
 * @module
 */
import { MAX_IP_RANGES, normalizeIpRanges } from "@tokenmint/verifier";
import { z } from "zod";
import { KIND_NAME } from "../config/token-kinds.js";

/** Subjects, orgs and ids: printable, no whitespace, no braces (they would break Redis hash tags). */
export const IDENTIFIER = /^[^\s{}\p{Cc}]{1,256}$/u;

const resourceId = z.string().min(1).max(512);

/** Limits on the size of a token request. */
export const MINT_LIMITS = {
  scopes: 64,
  permissions: 64,
  resourcesPerPermission: 256,
  audiences: 16,
} as const;

/**
 * `allowed_ips`: the networks a token may be used from, 1 to 32 IPv4 or IPv6 addresses or CIDR
 * ranges, normalized (host bits cleared, IPv4-mapped IPv6 as IPv4, duplicates dropped).
 */
export const allowedIpsSchema = z
  .array(z.string().min(1).max(64))
  .min(1)
  .max(MAX_IP_RANGES)
  .transform((list, ctx) => {
    const normalized: string[] = [];
    list.forEach((text, index) => {
      try {
        for (const range of normalizeIpRanges([text])) {
          if (!normalized.includes(range)) normalized.push(range);
        }
      } catch {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message:
            "must be an IPv4 or IPv6 address or CIDR range, e.g. 10.0.0.0/8 or 2001:db8::/32",
        });
      }
    });
    return normalized;
  })
  .meta({
    description: `At most ${MAX_IP_RANGES} IPv4 or IPv6 addresses or CIDR ranges the token may be used from; absent: anywhere. Stored normalized (host bits cleared).`,
    examples: [["10.0.0.0/8", "2001:db8::/32"]],
  });

/** The expiry fields every request that (re)issues a token takes. */
export const EXPIRY_FIELDS = {
  expires_in: z
    .number()
    .int()
    .positive()
    .max(100 * 365 * 86400)
    .optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
};

/** The rule that a request gives at most one of `expires_in` and `expires_at`. */
export const ONE_EXPIRY = {
  check: (body: { expires_in?: unknown; expires_at?: unknown }) =>
    body.expires_in === undefined || body.expires_at === undefined,
  params: { message: "give expires_in or expires_at, not both", path: ["expires_at"] },
};

/** The JSON body that asks for a token. */
export const mintRequestSchema = z
  .strictObject({
    subject: z.string().regex(IDENTIFIER, "1 to 256 printable characters, no spaces or braces"),
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).optional(),
    scope: z.array(z.string().min(1).max(64)).min(1).max(MINT_LIMITS.scopes),
    permissions: z
      .record(
        z.string().min(1).max(64),
        z.array(resourceId).min(1).max(MINT_LIMITS.resourcesPerPermission),
      )
      .optional(),
    org: z
      .string()
      .regex(IDENTIFIER, "1 to 256 printable characters, no spaces or braces")
      .optional(),
    audience: z.array(z.string().min(1).max(512)).min(1).max(MINT_LIMITS.audiences).optional(),
    kind: z.string().regex(KIND_NAME, "a kind name such as pat or deploy").optional(),
    allowed_ips: allowedIpsSchema.optional(),
    ...EXPIRY_FIELDS,
    approved: z
      .boolean()
      .optional()
      .describe(
        "Service clients only: `true` mints an org's token already approved (no pending state)",
      ),
  })
  .refine(ONE_EXPIRY.check, ONE_EXPIRY.params);

/** A validated mint request. */
export type MintRequest = z.infer<typeof mintRequestSchema>;
