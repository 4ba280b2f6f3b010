/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked with @readme/openapi-parser), every route the
 * app registers is declared with its operation, every example validates against the zod schema
 * it illustrates, every error answer is documented with the closed set of codes, and real answers
 * of the issuer parse with the answer schemas the document names.
 */
import { createHash } from "node:crypto";
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ISSUER_ERROR_CODES } from "../../src/errors.js";
import { operationsOf } from "../../src/http/define-route.js";
import { API_REFERENCE_ETAG, API_REFERENCE_SCRIPT } from "../../src/http/routes/docs.js";
import type { OpenApiDocument } from "../../src/openapi/document.js";
import type { Operation } from "../../src/openapi/operation.js";
import { Answers } from "../../src/openapi/responses.js";
import { mintRequestSchema } from "../../src/tokens/mint-request.js";
import { bearer, createTestIssuer, form, type TestIssuer } from "../helpers/issuer.js";

/** Browser pages under /ui are not part of the API. */
const NOT_API = /^\/ui(\/|$)/;

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, "{$1}");
}

describe("the OpenAPI document", () => {
  let issuer: TestIssuer;
  let document: OpenApiDocument;
  let operations: Operation[];
  const operation = (id: string): Operation => {
    const found = operations.find((candidate) => candidate.operationId === id);
    if (!found) throw new Error(`no operation ${id}`);
    return found;
  };

  beforeAll(async () => {
    issuer = await createTestIssuer({ env: { TOKENMINT_METRICS: "true" } });
    operations = operationsOf(issuer.app);
    const response = await issuer.request("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    document = (await response.json()) as OpenApiDocument;
  });

  it("is valid OpenAPI 3.1", async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document)).toEqual(
      expect.arrayContaining(["openapi", "info", "paths", "components"]),
    );
    expect(document.servers).toEqual([{ url: "https://issuer.test" }]);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("declares an operation for every route the app serves, and documents nothing else", () => {
    const served = new Set(
      issuer.app.routes
        // CORS preflight answers (OPTIONS on the public documents) are not API operations.
        .filter(
          (route) =>
            route.method !== "ALL" && route.method !== "OPTIONS" && !NOT_API.test(route.path),
        )
        .map((route) => `${route.method.toLowerCase()} ${toOpenApiPath(route.path)}`),
    );
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method} ${path}`),
      ),
    );
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !served.has(route))).toEqual([]);
    expect(served.size).toBeGreaterThanOrEqual(28);
  });

  it("renders the handlers' own zod schemas", () => {
    const mint = document.components.schemas.MintRequest as Record<string, unknown>;
    const { $schema: _dialect, ...direct } = z.toJSONSchema(mintRequestSchema, { io: "input" });
    expect(mint).toEqual(direct);
    expect(mint.required).toEqual(["subject", "name", "scope"]);
    expect(mint.additionalProperties).toBe(false);
    const audit = document.paths["/v1/audit"]?.get as { parameters: { name: string }[] };
    expect(audit.parameters.map((parameter) => parameter.name)).toEqual([
      "subject",
      "org",
      "type",
      "cursor",
      "limit",
    ]);
  });

  it("has only examples that validate against their zod schemas", () => {
    let checked = 0;
    for (const { operationId, body, responses } of operations) {
      if (body?.example !== undefined) {
        const parsed = body.schema.schema.safeParse(body.example);
        expect(parsed.success, `${operationId}: ${parsed.error?.message}`).toBe(true);
        checked += 1;
      }
      for (const [status, answer] of Object.entries(responses)) {
        const examples = [
          ...(answer.example === undefined ? [] : [answer.example]),
          ...Object.values(answer.examples ?? {}).map((example) => example.value),
        ];
        for (const example of examples) {
          if (!answer.schema) continue;
          const parsed = answer.schema.schema.safeParse(example);
          expect(parsed.success, `${operationId} ${status}: ${parsed.error?.message}`).toBe(true);
          checked += 1;
        }
      }
    }
    // And the document carries those same examples.
    const served = JSON.stringify(document);
    for (const { body } of operations) {
      if (body?.example !== undefined) expect(served).toContain(JSON.stringify(body.example));
    }
    expect(checked).toBeGreaterThanOrEqual(100);
  });

  it("documents allowed_ips in requests and answers, and ip_not_allowed wherever a bearer token is taken", () => {
    const { schemas } = document.components;
    for (const name of ["MintRequest", "UpdateRequest", "Token", "IssuedToken"]) {
      const schema = schemas[name as keyof typeof schemas] as {
        properties?: Record<string, unknown>;
        anyOf?: Array<{ properties?: Record<string, unknown> }>;
      };
      const properties = schema.properties ?? schema.anyOf?.[0]?.properties ?? {};
      expect(Object.keys(properties), name).toContain("allowed_ips");
    }
    const bearerOperations = operations.filter((op) => op.security.includes("user"));
    expect(bearerOperations.length).toBeGreaterThan(5);
    for (const op of bearerOperations) {
      const forbidden = op.responses[403] as { examples?: Record<string, unknown> } | undefined;
      expect(Object.keys(forbidden?.examples ?? {}), op.operationId).toContain("ip_not_allowed");
    }
  });

  it("lists the issuer's closed set of error codes in the Problem schema", () => {
    const problem = document.components.schemas.Problem as {
      properties: { code: { enum: string[] }; errors: { type: string } };
      required: string[];
    };
    expect(problem.properties.code.enum).toEqual([...ISSUER_ERROR_CODES]);
    expect(problem.properties.errors.type).toBe("array");
    expect(problem.required).toEqual(["type", "title", "status", "code", "detail"]);
  });

  it("documents the error answers of every operation, each code with an example", () => {
    type Content = { schema?: { $ref: string }; examples?: Record<string, { value: unknown }> };
    type Answer = { content?: Record<string, Content> };
    const undocumented: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item) as [
        string,
        {
          responses: Record<string, Answer>;
          security: object[];
          requestBody?: object;
          parameters?: { in: string }[];
        },
      ][]) {
        const where = `${method} ${path}`;
        const needs = [
          ...(op.requestBody || op.parameters?.some((p) => p.in === "query") ? ["400"] : []),
          ...(op.requestBody ? ["413", "415"] : []),
          ...(op.security.some((s) => Object.keys(s).length > 0) ? ["401"] : []),
        ];
        for (const status of needs)
          if (!op.responses[status]) undocumented.push(`${where} ${status}`);
        for (const [status, answer] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          const content = answer.content?.["application/problem+json"];
          expect(content?.schema, `${where} ${status}`).toEqual({
            $ref: "#/components/schemas/Problem",
          });
          const examples = Object.entries(content?.examples ?? {});
          expect(examples.length, `${where} ${status}`).toBeGreaterThan(0);
          for (const [code, { value }] of examples) {
            expect(value, `${where} ${status} ${code}`).toMatchObject({
              status: Number(status),
              code,
            });
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
    // Operations that read the store say so, and revocation-class writes name store_not_durable.
    expect(Object.keys(operation("mintToken").responses)).toEqual([
      "201",
      "400",
      "401",
      "403",
      "409",
      "413",
      "415",
      "429",
      "503",
    ]);
    expect(JSON.stringify(operation("revokeToken").responses[503])).toContain("store_not_durable");
  });

  it("describes what the issuer really answers", async () => {
    const parse = (name: keyof typeof Answers, value: unknown) => {
      const parsed = (Answers[name].schema as z.ZodType).safeParse(value);
      expect(parsed.success, `${name}: ${parsed.error?.message}`).toBe(true);
    };
    const minted = await issuer.mint({ org: "acme", permissions: { read_api: ["gid://x/1"] } });
    parse("IssuedToken", minted);
    const json = async (path: string, init?: RequestInit) =>
      (await issuer.request(path, init)).json();
    parse("TokenList", await json("/v1/tokens", { headers: bearer(minted.token) }));
    parse("Token", await json(`/v1/tokens/${minted.id}`, { headers: bearer(minted.token) }));
    parse(
      "Introspection",
      await json(
        "/v1/introspect",
        form({ token: minted.token }, { authorization: issuer.clientAuth }),
      ),
    );
    parse(
      "Introspection",
      await json("/v1/introspect", form({ token: "nope" }, { authorization: issuer.clientAuth })),
    );
    parse("Jwks", await json("/.well-known/jwks.json"));
    parse("ServerMetadata", await json("/.well-known/oauth-authorization-server"));
    parse("RoutesMap", await json("/v1/routes"));
    parse("AuditPage", await json("/v1/audit", { headers: { authorization: issuer.clientAuth } }));
    parse("Keyring", await json("/v1/keys", { headers: { authorization: issuer.clientAuth } }));
    parse("Problem", await json("/v1/tokens", { method: "POST" }));
    parse(
      "UpdatedToken",
      await json(`/v1/tokens/${minted.id}`, {
        method: "PATCH",
        headers: { ...bearer(minted.token), "content-type": "application/json" },
        body: JSON.stringify({ name: "renamed" }),
      }),
    );
    parse(
      "RotatedToken",
      await json(`/v1/tokens/${minted.id}/rotate`, {
        method: "POST",
        headers: { authorization: issuer.clientAuth },
      }),
    );
  });

  it("states the key bodies exactly as the key routes enforce them", async () => {
    // The mirrored schemas refuse what /v1/keys refuses, and accept what it accepts.
    const post = (path: string, body: unknown) =>
      issuer.request(path, {
        method: "POST",
        headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const rotate = operation("rotateKeys").body?.schema.schema as z.ZodType;
    const revoke = operation("revokeKey").body?.schema.schema as z.ZodType;
    expect(rotate.safeParse({ bogus: true }).success).toBe(false);
    expect((await post("/v1/keys/rotate", { bogus: true })).status).toBe(400);
    expect(revoke.safeParse({ reason: "x".repeat(201) }).success).toBe(false);
    expect((await post("/v1/keys/some-kid/revoke", { reason: "x".repeat(201) })).status).toBe(400);
    expect(rotate.safeParse({ force: true, reason: "r" }).success).toBe(true);
    expect((await post("/v1/keys/rotate", { force: true, reason: "r" })).status).toBe(200);
  });

  it("serves an interactive reference with a strict CSP and its script from this origin", async () => {
    const response = await issuer.request("/docs");
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    const html = await response.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
    expect(scripts).toEqual([API_REFERENCE_SCRIPT]);
    expect(API_REFERENCE_SCRIPT).toMatch(/^docs\/api-reference\.js\?v=[\w-]{16}$/);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("http");
    // No inline script: the only other <script> is the configuration holder, empty.
    expect(html.match(/<script[^>]*>[^<]+<\/script>/g)).toBeNull();
    expect(html).toContain('data-url="openapi.json"');
  });

  it("serves the embedded reference script for a year under a strong ETag", async () => {
    const response = await issuer.request(`/${API_REFERENCE_SCRIPT}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("etag")).toBe(API_REFERENCE_ETAG);
    const body = await response.text();
    const sha = createHash("sha256").update(body).digest("base64url");
    expect(API_REFERENCE_ETAG).toBe(`"sha256-${sha}"`);
    expect(body).toContain("createApiReference");
    expect(body).not.toContain("sourceMappingURL");
    for (const ifNoneMatch of [
      API_REFERENCE_ETAG,
      `W/${API_REFERENCE_ETAG}`,
      `"x", ${API_REFERENCE_ETAG}`,
    ]) {
      const again = await issuer.request("/docs/api-reference.js", {
        headers: { "if-none-match": ifNoneMatch },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      expect(again.headers.get("etag")).toBe(API_REFERENCE_ETAG);
    }
    const stale = await issuer.request("/docs/api-reference.js", {
      headers: { "if-none-match": '"sha256-old"' },
    });
    expect(stale.status).toBe(200);
  });

  it("can be turned off", async () => {
    const quiet = await createTestIssuer({ env: { TOKENMINT_DOCS: "false" } });
    expect((await quiet.request("/openapi.json")).status).toBe(404);
    expect((await quiet.request("/docs")).status).toBe(404);
  });
});
