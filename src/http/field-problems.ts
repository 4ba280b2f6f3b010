/**
 * Validation failures in plain words: a zod error map that says "required" or "must be at most 64
 * characters" instead of zod's own wording, and the list of `{path, message}` a problem document
 * carries. Values are never echoed; field names are.
 *
 * @example
 * ```ts
 * const parsed = schema.safeParse(body, { error: plainMessage });
 * if (!parsed.success) fieldProblems(parsed.error.issues); // [{ path: "name", message: "required" }]
 * ```
 * @module
 */
import type { z } from "zod";
import type { FieldProblem } from "../errors.js";

/** At most this many fields are listed in one answer. */
export const MAX_FIELD_PROBLEMS = 20;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  null: "null",
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  datetime: "an RFC 3339 date-time",
  ipv4: "an IPv4 address",
  ipv6: "an IPv6 address",
  email: "an email address",
  url: "a URL",
};

function count(n: number | bigint, unit: string): string {
  return `${n} ${unit}${Number(n) === 1 ? "" : "s"}`;
}

function tooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string {
  const { minimum, origin, inclusive } = issue;
  if (origin === "string") {
    return Number(minimum) <= 1
      ? "must not be empty"
      : `must be at least ${count(minimum, "character")}`;
  }
  if (origin === "array" || origin === "set") {
    return Number(minimum) <= 1
      ? "must not be empty"
      : `must have at least ${count(minimum, "item")}`;
  }
  return inclusive ? `must be at least ${minimum}` : `must be greater than ${minimum}`;
}

function tooBig(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooBig>): string {
  const { maximum, origin, inclusive } = issue;
  if (origin === "string") return `must be at most ${count(maximum, "character")}`;
  if (origin === "array" || origin === "set") return `must have at most ${count(maximum, "item")}`;
  return inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
}

/** "must be a string" + "must be a number" → "must be a string or a number". */
function eitherOf(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.every((message) => message.startsWith("must be "))) {
    return `must be ${unique.map((message) => message.slice("must be ".length)).join(" or ")}`;
  }
  return unique.join(", or ");
}

/**
 * A zod error map in plain words; messages a schema sets itself (a `.refine` or a `.regex`
 * message) take precedence over it.
 */
export function plainMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "too_small":
      return tooSmall(issue);
    case "too_big":
      return tooBig(issue);
    case "invalid_format":
      return FORMAT_NAMES[issue.format] === undefined
        ? "has an invalid format"
        : `must be ${FORMAT_NAMES[issue.format]}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return "unknown field";
    case "invalid_union":
      return eitherOf(issue.errors.map((branch) => branch[0]?.message ?? "is invalid"));
    case "invalid_key":
      return `has an invalid key: ${issue.issues[0]?.message ?? "is invalid"}`;
    default:
      return "is invalid";
  }
}

/** `["scope", 2]` → `scope[2]`; `["permissions", "read_api", 0]` → `permissions.read_api[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? String(segment) : `.${String(segment)}`;
  }
  return text === "" ? "body" : text;
}

/** The fields of a failed validation, one entry per problem (an unknown field each on its own). */
export function fieldProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key]), message: "unknown field" });
      }
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems.slice(0, MAX_FIELD_PROBLEMS);
}

/** A one-line summary of the first few problems: "name: required; scope[2]: …". */
export function summarize(problems: readonly FieldProblem[]): string {
  return problems
    .slice(0, 5)
    .map((problem) => `${problem.path}: ${problem.message}`)
    .join("; ");
}
