/**
 * Reading request bodies: the content type is checked, the size is bounded (by the body-limit
 * middleware), and JSON is validated with a zod schema whose first problems name the fields.
 * @module
 */
import type { Context } from "hono";
import type { z } from "zod";
import { InvalidRequest, UnsupportedMediaType } from "../errors.js";

function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Formats zod issues as "path: message; …" (never echoing values). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
}

/**
 * Parses a JSON body with `schema`.
 *
 * @throws {UnsupportedMediaType} when not `application/json`.
 * @throws {InvalidRequest} `invalid_json` or `invalid_request`.
 */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  if (mediaType(c) !== "application/json") throw new UnsupportedMediaType("application/json");
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new InvalidRequest("invalid_json", "The body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new InvalidRequest("invalid_request", describeIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * Parses an `application/x-www-form-urlencoded` body (OAuth endpoints) into single values.
 *
 * @throws {UnsupportedMediaType} for another content type.
 * @throws {InvalidRequest} when a parameter is repeated.
 */
export async function readForm(c: Context): Promise<Record<string, string>> {
  if (mediaType(c) !== "application/x-www-form-urlencoded") {
    throw new UnsupportedMediaType("application/x-www-form-urlencoded");
  }
  const params = new URLSearchParams(await c.req.text());
  const form: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in form) throw new InvalidRequest("invalid_request", `Parameter ${name} is repeated`);
    form[name] = value;
  }
  return form;
}
