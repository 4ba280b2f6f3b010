/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked with @readme/openapi-parser), every route the
 * app registers is in it, every example validates against the zod schema it illustrates, and
 * real answers of the issuer parse with the answer schemas the document names.
 */
import { createHash } from "node:crypto";
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { API_REFERENCE_ETAG, API_REFERENCE_SCRIPT } from "../../src/http/routes/docs.js";
import type { OpenApiDocument } from "../../src/openapi/document.js";
import { OPERATIONS } from "../../src/openapi/routes.js";
import { REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from "../../src/openapi/schemas.js";
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

  beforeAll(async () => {
    issuer = await createTestIssuer({ env: { TOKENMINT_METRICS: "true" } });
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

  it("documents every route the app serves, and nothing else", () => {
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
    for (const operation of OPERATIONS) {
      if (operation.body?.example !== undefined) {
        const parsed = REQUEST_SCHEMAS[operation.body.schema].safeParse(operation.body.example);
        expect(parsed.success, `${operation.operationId}: ${parsed.error?.message}`).toBe(true);
        checked += 1;
      }
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (answer.example === undefined || !answer.schema) continue;
        const parsed = RESPONSE_SCHEMAS[answer.schema].safeParse(answer.example);
        expect(parsed.success, `${operation.operationId} ${status}`).toBe(true);
        checked += 1;
      }
    }
    // And the document carries those same examples.
    const served = JSON.stringify(document);
    for (const operation of OPERATIONS) {
      if (operation.body?.example !== undefined) {
        expect(served).toContain(JSON.stringify(operation.body.example));
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it("describes what the issuer really answers", async () => {
    const parse = (name: keyof typeof RESPONSE_SCHEMAS, value: unknown) => {
      const parsed = (RESPONSE_SCHEMAS[name] as z.ZodType).safeParse(value);
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
    expect(REQUEST_SCHEMAS.KeyRotateRequest.safeParse({ bogus: true }).success).toBe(false);
    expect((await post("/v1/keys/rotate", { bogus: true })).status).toBe(400);
    expect(REQUEST_SCHEMAS.KeyRevokeRequest.safeParse({ reason: "x".repeat(201) }).success).toBe(
      false,
    );
    expect((await post("/v1/keys/some-kid/revoke", { reason: "x".repeat(201) })).status).toBe(400);
    expect(REQUEST_SCHEMAS.KeyRotateRequest.safeParse({ force: true, reason: "r" }).success).toBe(
      true,
    );
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
