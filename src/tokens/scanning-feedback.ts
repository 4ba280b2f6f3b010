/**
 * The answer to a secret scanner, in GitHub's feedback format: one label per reported token,
 * named by the SHA-256 of the token (`token_hash`) rather than the token itself.
 * @module
 */
import { z } from "zod";

/** `[{token_hash, token_type, label}]`. */
export const scanningFeedbackSchema = z.array(
  z.object({
    token_hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe("SHA-256 of the token, lowercase hex"),
    token_type: z.string().describe("The `type` the scanner sent"),
    label: z.enum(["true_positive", "false_positive"]),
  }),
);
