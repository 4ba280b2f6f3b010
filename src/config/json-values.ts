/**
 * Values inside JSON-valued configuration variables (`TOKENMINT_ORG_POLICIES`,
 * `TOKENMINT_TOKEN_KINDS`…): durations and the JSON object wrapper, shared by their schemas.
 *
 * @example
 * ```ts
 * jsonObject(z.record(z.string(), durationValue), "a JSON object").parse('{"a":"2h"}'); // { a: 7200 }
 * ```
 * @module
 */
import { z } from "zod";
import { parseDurationSeconds } from "./duration.js";

/** A duration: seconds as a number, or a string such as `90d` or `2h`. */
export const durationValue = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((value, ctx) => {
    const seconds = parseDurationSeconds(String(value));
    if (seconds === undefined) {
      ctx.addIssue({ code: "custom", message: "expected seconds or a number with s, m, h or d" });
      return z.NEVER;
    }
    return seconds;
  });

/** A variable holding a JSON object (default `{}`), parsed, then checked by `shape`. */
export function jsonObject<T extends z.ZodType>(shape: T, expected: string) {
  return z
    .string()
    .default("{}")
    .transform((value, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `expected ${expected}` });
        return z.NEVER;
      }
    })
    .pipe(shape);
}
