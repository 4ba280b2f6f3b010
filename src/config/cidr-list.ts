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
    const bad = entries.findIndex((entry) => {
      try {
        normalizeIpRanges([entry]);
        return false;
      } catch {
        return true;
      }
    });
    if (bad >= 0) {
      // The entry is named by position: a configuration problem never echoes a value.
      ctx.addIssue({
        code: "custom",
        message: `expected comma-separated IP addresses or CIDR ranges; entry ${bad + 1} is neither`,
      });
      return z.NEVER;
    }
    return normalizeIpRanges(entries);
  });
