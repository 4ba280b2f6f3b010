/**
 * Reading request bodies: the content type is checked, the size is bounded (by the body-limit
 * middleware), and JSON is validated with a zod schema; a failure names each field in plain words
 * (see `field-problems.ts`).
 * @module
 */
import type { Context } from "hono";
import type { z } from "zod";
import { InvalidRequest, UnsupportedMediaType } from "../errors.js";
import { fieldProblems, plainMessage, summarize } from "./field-problems.js";

function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * Reads a JSON body (any JSON value).
 *
 * @throws {UnsupportedMediaType} when not `application/json`.
 * @throws {InvalidRequest} `invalid_json`.
 */
export async function readJsonValue(c: Context): Promise<unknown> {
  if (mediaType(c) !== "application/json") throw new UnsupportedMediaType("application/json");
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new InvalidRequest("invalid_json", "The body is not valid JSON");
  }
}

/**
 * Validates a value with `schema`.
 *
 * @throws {InvalidRequest} `invalid_request`, with `errors` naming each field.
 */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value, { error: plainMessage });
  if (!parsed.success) {
    const problems = fieldProblems(parsed.error.issues);
    throw new InvalidRequest("invalid_request", summarize(problems), problems);
  }
  return parsed.data;
}

/**
 * Reads and validates a JSON body.
 *
 * @example
 * ```ts
 * const request = await readJson(c, mintRequestSchema);
 * ```
 */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  return parseWith(schema, await readJsonValue(c));
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
    if (name in form) {
      throw new InvalidRequest("invalid_request", `Parameter ${name} is repeated`, [
        { path: name, message: "must be given once" },
      ]);
    }
    form[name] = value;
  }
  return form;
}
