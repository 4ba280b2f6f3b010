/**
 * The page's create form: what was typed (kept when the form comes back with errors), the expiry
 * date's bounds (policy and the signed-in token's own expiry), and plain-words errors per field.
 * The form only prepares a mint request; `issueToken` stays the authority on what may be minted.
 *
 * Dates are calendar days in UTC: a token expires at the end of the chosen day, or earlier when
 * the policy's maximum lifetime or the signed-in token ends within that day.
 * @module
 */
import type { z } from "zod";
import type { LifetimePolicy } from "../config/config.js";
import { formatDuration } from "../config/duration.js";
import { IDENTIFIER, mintRequestSchema } from "../tokens/mint-request.js";
import { isoTime } from "../tokens/token-view.js";

/** The fields of the create form that can carry an error. */
export type CreateField = "name" | "description" | "org" | "kind" | "scope" | "expires_on";

/** What the user typed or chose, echoed back into the form. */
export interface CreateFormValues {
  readonly name: string;
  readonly description: string;
  readonly org: string;
  /** The kind chosen (empty: the signed-in token's). */
  readonly kind: string;
  readonly scope: readonly string[];
  /** `YYYY-MM-DD`, or empty. */
  readonly expires_on: string;
}

/** One plain-words message per field, and one for the form as a whole. */
export type FieldErrors = Partial<Record<CreateField | "form", string>>;

/** A one-click expiry: a label and the date it fills in. */
export interface QuickExpiry {
  readonly label: string;
  readonly date: string;
}

/** The dates the expiry picker allows, and why the last one is last. */
export interface ExpiryBounds {
  /** The earliest date (`YYYY-MM-DD`): the policy's minimum lifetime from now. */
  readonly min: string;
  /** The latest date: the policy's maximum lifetime, or the signed-in token's expiry if sooner. */
  readonly max: string;
  /** The latest `exp` (seconds) a new token may have. */
  readonly latest: number;
  /** Whether the signed-in token, not the policy, sets `max`. */
  readonly parentBound: boolean;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** The date filled in first: the default lifetime, within the bounds. */
  readonly suggested: string;
  readonly quick: readonly QuickExpiry[];
}

const DAY = 86400;
const QUICK_DAYS = [7, 30, 60, 90, 365] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Seconds since the epoch as a UTC calendar date. */
function dateOf(seconds: number): string {
  return isoTime(seconds).slice(0, 10);
}

/** The last second of a UTC calendar date, or undefined for a malformed or impossible date. */
function endOfDay(date: string): number | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const seconds = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 1000;
  // Date.UTC rolls 2026-02-31 over into March: such a date is refused, not moved.
  if (Number.isNaN(seconds) || dateOf(seconds) !== date) return undefined;
  return seconds + DAY - 1;
}

/**
 * The expiry picker's bounds for a new token under `policy`, as a child of a token that expires
 * at `parentExp` (null: never), or undefined when no expiry is possible (the parent ends sooner
 * than the shortest lifetime allowed).
 *
 * @example
 * ```ts
 * expiryBounds(lifetimeFor(config, parent.org), parent.exp, epochSeconds(ctx.clock));
 * ```
 */
export function expiryBounds(
  policy: LifetimePolicy,
  parentExp: number | null,
  now: number,
): ExpiryBounds | undefined {
  const earliest = now + policy.minSeconds;
  const byPolicy = now + policy.maxSeconds;
  const latest = parentExp === null ? byPolicy : Math.min(byPolicy, parentExp);
  if (latest < earliest) return undefined;
  const max = dateOf(latest);
  const quick: QuickExpiry[] = QUICK_DAYS.filter((days) => {
    const at = now + days * DAY;
    return at >= earliest && at <= latest;
  }).map((days) => ({
    label: days === 365 ? "1 year" : `${days} days`,
    date: dateOf(now + days * DAY),
  }));
  if (quick.at(-1)?.date !== max) {
    quick.push({
      label: latest === parentExp ? "Until your sign-in token expires" : "Longest allowed",
      date: max,
    });
  }
  return {
    min: dateOf(earliest),
    max,
    latest,
    parentBound: latest === parentExp,
    minSeconds: policy.minSeconds,
    maxSeconds: policy.maxSeconds,
    suggested: dateOf(Math.max(earliest, Math.min(now + policy.defaultSeconds, latest))),
    quick,
  };
}

type Form = Record<string, string | File | (string | File)[]>;

function text(form: Form, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}

/**
 * Reads the create form as typed (trimmed only where the mint request trims too).
 *
 * @example
 * ```ts
 * const values = createFormValues(await c.req.parseBody({ all: true }));
 * ```
 */
export function createFormValues(form: Form): CreateFormValues {
  const scope = form.scope;
  const scopes = Array.isArray(scope) ? scope : scope === undefined ? [] : [scope];
  return {
    name: text(form, "name"),
    description: text(form, "description"),
    org: text(form, "org").trim(),
    kind: text(form, "kind").trim(),
    scope: scopes.filter((item): item is string => typeof item === "string"),
    expires_on: text(form, "expires_on").trim(),
  };
}

/**
 * The `expires_at` a chosen date stands for, or a plain-words error: the end of that UTC day, cut
 * short to the latest moment the policy and the signed-in token allow.
 */
export function expiryFromDate(
  date: string,
  bounds: ExpiryBounds | undefined,
): { expires_at: string } | { error: string } {
  if (bounds === undefined) {
    return {
      error:
        "The token you signed in with expires too soon to create another one; sign in with a newer token.",
    };
  }
  if (date === "") return { error: "Choose an expiry date." };
  const end = endOfDay(date);
  if (end === undefined) return { error: "Enter a date as YYYY-MM-DD." };
  if (date < bounds.min) {
    return {
      error: `Choose ${bounds.min} or later: a token must live at least ${formatDuration(bounds.minSeconds)}.`,
    };
  }
  if (date > bounds.max) {
    return {
      error: bounds.parentBound
        ? `Choose ${bounds.max} or earlier: a new token cannot outlive the token you signed in with.`
        : `Choose ${bounds.max} or earlier: a token may live at most ${formatDuration(bounds.maxSeconds)}.`,
    };
  }
  return { expires_at: isoTime(Math.min(end, bounds.latest)) };
}

const PLAIN: Record<Exclude<CreateField, "expires_on">, (issue: z.core.$ZodIssue) => string> = {
  kind: () => "Choose one of the kinds listed.",
  name: (issue) =>
    issue.code === "too_big" ? "Use at most 100 characters." : "Give the token a name.",
  description: () => "Use at most 1,000 characters.",
  org: () => "Use 1 to 256 characters, without spaces or braces.",
  scope: (issue) =>
    issue.code === "too_small"
      ? "Choose at least one scope."
      : issue.code === "too_big"
        ? "Choose fewer scopes."
        : "Choose from the scopes listed.",
};

/**
 * Validates a mint request built from the form with the API's own schema, and words each problem
 * for the field it belongs to (the API's zod messages are for programs, not people).
 */
export function checkMintRequest(
  request: unknown,
): { request: z.output<typeof mintRequestSchema> } | { errors: FieldErrors } {
  const parsed = mintRequestSchema.safeParse(request);
  if (parsed.success) return { request: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (
      field === "name" ||
      field === "description" ||
      field === "org" ||
      field === "kind" ||
      field === "scope"
    ) {
      errors[field] ??= PLAIN[field](issue);
    } else {
      errors.form ??= "The form could not be read; reload the page and try again.";
    }
  }
  return { errors };
}

/** Whether an org typed into the form is one the policy lookup may use. */
export function isOrg(value: string): boolean {
  return IDENTIFIER.test(value);
}

/** The form field a refusal of the domain belongs to, by its stable code. */
export function fieldOfRefusal(code: string): CreateField | "form" {
  switch (code) {
    case "invalid_scope":
    case "wider_than_parent":
    case "token_too_large":
      return "scope";
    case "invalid_expiry":
      return "expires_on";
    case "invalid_kind":
    case "kind_not_self_service":
      return "kind";
    default:
      return "form";
  }
}
