/**
 * Bodies of the signing-key admin endpoints (`src/http/routes/keys.ts`). That module does not
 * export its schemas yet; these restate them exactly, and `test/openapi` checks the issuer refuses
 * what they refuse. Replace with imports once `keys.ts` exports `rotateSchema` and `revokeSchema`.
 * @module
 */
import { z } from "zod";

/** `POST /v1/keys/rotate`. */
export const keyRotateRequestSchema = z.strictObject({
  force: z.boolean().optional(),
  reason: z.string().max(200).optional(),
});

/** `POST /v1/keys/{kid}/revoke`. */
export const keyRevokeRequestSchema = z.strictObject({ reason: z.string().max(200).optional() });
