/**
 * A configuration variable holding IP addresses and CIDR ranges (comma- or space-separated), such
 * as the trusted proxies: parsed and normalized once, at start-up.
 *
 * @example
 * ```ts
 * cidrList.parse("10.0.0.0/8, fd00::/8"); // ["10.0.0.0/8", "fd00::/8"]
 * ```
 * @module
 */
import { normalizeIpRanges } from "@tokenmint/verifier";
import { z } from "zod";

/** The zod schema of a CIDR list variable (empty by default). */
export const cidrList = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const entries = value.split(/[\s,]+/).filter(Boolean);
    try {
      return normalizeIpRanges(entries);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `expected comma-separated IP addresses or CIDR ranges: entry ${(error as Error).message}`,
      });
      return z.NEVER;
    }
  });
