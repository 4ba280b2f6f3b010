/**
 * What one API operation declares for the OpenAPI document: method, path, who may call it, the
 * zod schemas of its request, and its answers. Route modules write one of these beside each
 * handler; `document.ts` renders a list of them. Nothing here knows how requests are served.
 *
 * @example
 * ```ts
 * const health: Operation = {
 *   method: "get", path: "/healthz", operationId: "getHealth", tag: "operations",
 *   summary: "Liveness", security: ["none"],
 *   responses: { 200: answer("Alive", HealthSchema) },
 * };
 * ```
 * @module
 */
import type { z } from "zod";

/** A zod schema under the name it has in `components.schemas`. */
export interface NamedSchema<T extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: T;
}

/**
 * Names a schema for the document.
 *
 * @example
 * ```ts
 * const MintRequest = named("MintRequest", mintRequestSchema);
 * ```
 */
export function named<T extends z.ZodType>(name: string, schema: T): NamedSchema<T> {
  return { name, schema };
}

/** Who may call an operation. */
export type Security = "none" | "client" | "admin" | "user" | "metrics";

/** The reference's sections. */
export type Tag = "public" | "tokens" | "oauth" | "operations" | "keys" | "routing" | "webhooks";

/** One example of an answer, under a name. */
export interface NamedExample {
  readonly summary: string;
  readonly value: unknown;
}

/** One answer of an operation. */
export interface OperationResponse {
  readonly description: string;
  readonly schema?: NamedSchema;
  /** Default `application/json`. */
  readonly contentType?: string;
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, NamedExample>>;
}

/** A request body. */
export interface OperationBody {
  readonly schema: NamedSchema;
  readonly contentType: "application/json" | "application/x-www-form-urlencoded";
  readonly required: boolean;
  readonly example?: unknown;
}

/** One operation. */
export interface Operation {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form: `/v1/tokens/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: Tag;
  readonly summary: string;
  readonly description?: string;
  readonly security: readonly Security[];
  readonly body?: OperationBody;
  /** The query, as the zod object the handler parses it with. */
  readonly query?: NamedSchema;
  /** Query parameters not covered by a schema (name → description). */
  readonly extraQuery?: Readonly<Record<string, string>>;
  /** By status code. */
  readonly responses: Readonly<Record<number, OperationResponse>>;
}

/**
 * A successful answer.
 *
 * @example
 * ```ts
 * answer("The token", TokenSchema);
 * ```
 */
export function answer(
  description: string,
  schema?: NamedSchema,
  options: { readonly contentType?: string; readonly example?: unknown } = {},
): OperationResponse {
  return { description, ...(schema ? { schema } : {}), ...options };
}
