/**
 * Renders the OpenAPI 3.1 document from the operations the route modules declare, with zod 4's
 * own `z.toJSONSchema` (JSON Schema 2020-12, the dialect of OpenAPI 3.1). What JSON Schema cannot
 * say (a `.refine`, such as "at most one of `expires_in` and `expires_at`") is in each
 * operation's description; the issuer enforces it either way.
 *
 * @example
 * ```ts
 * const document = buildOpenApiDocument(operations, { issuer: "https://tokens.example.com", scopes: ["read_api"] });
 * ```
 * @module
 */
import { z } from "zod";
import type { NamedSchema, Operation, OperationResponse, Security } from "./operation.js";
import { ProblemSchema } from "./responses.js";
import { webhookDocument, webhookEventSchema } from "./webhook-event.js";

/** A JSON Schema object as zod renders it. */
type JsonSchema = Record<string, unknown>;

/** What the document says about the running issuer. */
export interface DocumentOptions {
  readonly issuer: string;
  readonly scopes: readonly string[];
  readonly version?: string;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Adds `named` to `into`, refusing two different schemas under one name. */
function collect(into: Map<string, z.ZodType>, named: NamedSchema | undefined): void {
  if (!named) return;
  const known = into.get(named.name);
  if (known !== undefined && known !== named.schema) {
    throw new Error(`Two different schemas are named ${named.name}`);
  }
  into.set(named.name, named.schema);
}

function renderSchemas(
  schemas: ReadonlyMap<string, z.ZodType>,
  io: "input" | "output",
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of schemas) registry.add(schema, { id });
  const rendered = z.toJSONSchema(registry, {
    io,
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
  });
  return Object.fromEntries(
    Object.entries(rendered.schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

const SECURITY_REQUIREMENTS: Record<Security, Record<string, string[]>> = {
  none: {},
  client: { serviceClient: [] },
  admin: { serviceClient: [] },
  user: { userToken: [] },
  metrics: { metricsSecret: [] },
};

function parametersOf(operation: Operation, requests: Record<string, JsonSchema>): unknown[] {
  const parameters: unknown[] = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (operation.query) {
    const query = requests[operation.query.name] as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({
        name,
        in: "query",
        required: query.required?.includes(name) ?? false,
        schema,
      });
    }
  }
  for (const [name, description] of Object.entries(operation.extraQuery ?? {})) {
    parameters.push({
      name,
      in: "query",
      required: false,
      description,
      schema: { type: "string" },
    });
  }
  return parameters;
}

function responseObject(response: OperationResponse) {
  const { description, schema, contentType, example, examples } = response;
  if (!schema && !contentType) return { description };
  return {
    description,
    content: {
      [contentType ?? "application/json"]: {
        ...(schema ? { schema: ref(schema.name) } : {}),
        ...(example === undefined ? {} : { example }),
        ...(examples === undefined ? {} : { examples }),
      },
    },
  };
}

function operationObject(operation: Operation, requests: Record<string, JsonSchema>) {
  const admin = operation.security.includes("admin")
    ? " Needs an admin service client (`TOKENMINT_ADMIN_CLIENTS`)."
    : "";
  const parameters = parametersOf(operation, requests);
  const { body } = operation;
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description || admin
      ? { description: `${operation.description ?? ""}${admin}`.trim() }
      : {}),
    security: operation.security.map((kind) => SECURITY_REQUIREMENTS[kind]),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.required,
            content: {
              [body.contentType]: {
                schema: ref(body.schema.name),
                ...(body.example === undefined ? {} : { example: body.example }),
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(operation.responses).map(([status, response]) => [
        status,
        responseObject(response),
      ]),
    ),
  };
}

/**
 * The OpenAPI 3.1 document of the issuer, from its declared operations.
 *
 * @throws {Error} when two operations share a method and path or an `operationId`, or two schemas
 * a name.
 */
export function buildOpenApiDocument(operations: readonly Operation[], options: DocumentOptions) {
  const requestSchemas = new Map<string, z.ZodType>();
  const answerSchemas = new Map<string, z.ZodType>();
  collect(answerSchemas, ProblemSchema);
  for (const operation of operations) {
    collect(requestSchemas, operation.body?.schema);
    collect(requestSchemas, operation.query);
    for (const response of Object.values(operation.responses)) {
      collect(answerSchemas, response.schema);
    }
  }
  const requests = renderSchemas(requestSchemas, "input");
  const answers = renderSchemas(answerSchemas, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const operation of operations) {
    const item = paths[operation.path] ?? {};
    if (operation.method in item || operationIds.has(operation.operationId)) {
      throw new Error(
        `${operation.operationId} (${operation.method} ${operation.path}) is declared twice`,
      );
    }
    operationIds.add(operation.operationId);
    item[operation.method] = operationObject(operation, requests);
    paths[operation.path] = item;
  }
  return {
    openapi: "3.1.1",
    info: {
      title: "tokenmint",
      version: options.version ?? "0.1.0",
      summary: "Personal access tokens as signed JWTs",
      description: `Mints personal access tokens, publishes the JWKS and Token Status Lists, answers introspection. Errors are \`application/problem+json\` (RFC 9457) with a stable \`code\` (the \`Problem\` schema lists them all) and, when a request failed validation, \`errors\`: one \`{path, message}\` per field. A known path called with another method answers 405 with \`Allow\`. Known scopes: ${options.scopes.map((scope) => `\`${scope}\``).join(", ")}.`,
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: options.issuer }],
    tags: [
      { name: "tokens", description: "Mint, list, show, update, rotate, suspend and revoke" },
      { name: "oauth", description: "RFC 7009 revocation and RFC 7662 introspection" },
      { name: "public", description: "JWKS, metadata and status lists (CORS open)" },
      { name: "routing", description: "The org → cell map" },
      { name: "keys", description: "Signing-key administration (admin service clients)" },
      {
        name: "webhooks",
        description: "Audit events pushed to receivers, Standard Webhooks signed (admin)",
      },
      { name: "operations", description: "Health, usage, audit, metrics and this document" },
    ],
    paths,
    webhooks: webhookDocument(),
    components: {
      schemas: {
        ...requests,
        ...answers,
        ...({ WebhookEvent: webhookEventSchema } as Record<string, JsonSchema>),
      },
      securitySchemes: {
        serviceClient: {
          type: "http",
          scheme: "basic",
          description: "A service client: `client_id:client_secret` (TOKENMINT_CLIENTS).",
        },
        userToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A user's token (`tmpat_…`); managing tokens needs `manage_tokens`.",
        },
        metricsSecret: {
          type: "http",
          scheme: "bearer",
          description: "TOKENMINT_METRICS_TOKEN, when set.",
        },
      },
    },
  };
}

/** The document type. */
export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
