/**
 * Builds the OpenAPI 3.1 document from the route table and the zod schemas, with zod 4's own
 * `z.toJSONSchema` (JSON Schema 2020-12, the dialect of OpenAPI 3.1). What JSON Schema cannot say
 * (a `.refine`, such as "at most one of `expires_in` and `expires_at`") is in each operation's
 * description; the issuer enforces it either way.
 *
 * @example
 * ```ts
 * const document = buildOpenApiDocument({ issuer: "https://tokens.example.com", scopes: ["read_api"] });
 * ```
 * @module
 */
import { z } from "zod";
import { OPERATIONS, type Operation, type Security } from "./routes.js";
import {
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  type RequestSchemaName,
  type ResponseSchemaName,
} from "./schemas.js";

/** A JSON Schema object as zod renders it. */
type JsonSchema = Record<string, unknown>;

/** What the document says about the running issuer. */
export interface DocumentOptions {
  readonly issuer: string;
  readonly scopes: readonly string[];
  readonly version?: string;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function renderSchemas(
  schemas: Readonly<Record<string, z.ZodType>>,
  io: "input" | "output",
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
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
    const query = requests[operation.query] as {
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

function operationObject(operation: Operation, requests: Record<string, JsonSchema>) {
  const admin = operation.security.includes("admin")
    ? " Needs an admin service client (`TOKENMINT_ADMIN_CLIENTS`)."
    : "";
  const parameters = parametersOf(operation, requests);
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description || admin
      ? { description: `${operation.description ?? ""}${admin}`.trim() }
      : {}),
    security: operation.security.map((kind) => SECURITY_REQUIREMENTS[kind]),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: operation.body.required,
            content: {
              [operation.body.contentType]: {
                schema: ref(operation.body.schema),
                ...(operation.body.example === undefined
                  ? {}
                  : { example: operation.body.example }),
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(operation.responses).map(([status, answer]) => [
        status,
        {
          description: answer.description,
          ...(answer.schema || answer.contentType
            ? {
                content: {
                  [answer.contentType ?? "application/json"]: {
                    ...(answer.schema ? { schema: ref(answer.schema) } : {}),
                    ...(answer.example === undefined ? {} : { example: answer.example }),
                  },
                },
              }
            : {}),
        },
      ]),
    ),
  };
}

/** The OpenAPI 3.1 document of the issuer. */
export function buildOpenApiDocument(options: DocumentOptions) {
  const requests = renderSchemas(REQUEST_SCHEMAS, "input");
  const responses = renderSchemas(RESPONSE_SCHEMAS, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const item = paths[operation.path] ?? {};
    item[operation.method] = operationObject(operation, requests);
    paths[operation.path] = item;
  }
  return {
    openapi: "3.1.1",
    info: {
      title: "tokenmint",
      version: options.version ?? "0.1.0",
      summary: "Personal access tokens as signed JWTs",
      description: `Mints personal access tokens, publishes the JWKS and Token Status Lists, answers introspection. Errors are \`application/problem+json\` (RFC 9457) with a stable \`code\`. Known scopes: ${options.scopes.map((scope) => `\`${scope}\``).join(", ")}.`,
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: options.issuer }],
    tags: [
      { name: "tokens", description: "Mint, list, show, update, rotate, suspend and revoke" },
      { name: "oauth", description: "RFC 7009 revocation and RFC 7662 introspection" },
      { name: "public", description: "JWKS, metadata and status lists (CORS open)" },
      { name: "routing", description: "The org → cell map" },
      { name: "keys", description: "Signing-key administration (admin service clients)" },
      { name: "operations", description: "Health, usage, audit, metrics and this document" },
    ],
    paths,
    components: {
      schemas: { ...requests, ...responses },
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

/** Names of every schema the document renders (for tests). */
export const SCHEMA_NAMES = [
  ...(Object.keys(REQUEST_SCHEMAS) as RequestSchemaName[]),
  ...(Object.keys(RESPONSE_SCHEMAS) as ResponseSchemaName[]),
];
