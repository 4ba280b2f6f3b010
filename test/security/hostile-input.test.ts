/**
 * Property-based hostile input: arbitrary bodies, content types and headers against every
 * endpoint that takes input. Every answer is a success or a 4xx problem+json, never a 5xx; a
 * refused request changes nothing (no token, no audit event, no status index).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, createTestIssuer, type MintAnswer, type TestIssuer } from "../helpers/issuer.js";

let issuer: TestIssuer;
let token: MintAnswer;

async function snapshot() {
  const [alice, audit] = await Promise.all([
    issuer.store.listTokens("alice"),
    issuer.store.readAudit({ count: 1000 }),
  ]);
  return JSON.stringify({
    alice: alice.map((t) => [t.record.id, t.state, t.record.name]),
    audit: audit.length,
  });
}

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const mintLike = fc.record(
  {
    subject: fc.oneof(fc.string(), fc.constant("alice"), jsonValue),
    name: fc.oneof(fc.string({ maxLength: 120 }), jsonValue),
    description: fc.oneof(fc.string({ maxLength: 1200 }), fc.constant(null), jsonValue),
    scope: fc.oneof(
      fc.array(fc.constantFrom("read_api", "api", "sudo", "", "manage_tokens"), { maxLength: 70 }),
      jsonValue,
    ),
    permissions: fc.oneof(
      fc.dictionary(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
      jsonValue,
    ),
    org: fc.oneof(fc.string(), jsonValue),
    audience: fc.oneof(
      fc.array(fc.constantFrom("https://api.test", "https://x.test", ""), { maxLength: 3 }),
      jsonValue,
    ),
    expires_in: fc.oneof(fc.integer(), fc.double(), fc.constant(3600), jsonValue),
    expires_at: fc.oneof(
      fc.constant(null),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
    extra: jsonValue,
  },
  { requiredKeys: [] },
);

const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
  "application/json;;;",
  "APPLICATION/JSON",
);

beforeAll(async () => {
  issuer = await createTestIssuer({ env: { TOKENMINT_MINT_RATE_PER_SUBJECT: "100000" } });
  token = await issuer.mint({ subject: "alice", name: "manager" });
});

async function expectSafe(response: Response, before: string) {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as { code?: unknown };
    expect(typeof problem.code).toBe("string");
    expect(await snapshot()).toBe(before);
  }
}

describe("hostile input", () => {
  it("POST /v1/tokens (service client and self-service) never fails open or crashes", async () => {
    await fc.assert(
      fc.asyncProperty(mintLike, contentTypes, fc.boolean(), async (body, contentType, asUser) => {
        const before = await snapshot();
        const response = await issuer.request("/v1/tokens", {
          method: "POST",
          headers: {
            ...(asUser ? bearer(token.token) : { authorization: issuer.clientAuth }),
            ...(contentType ? { "content-type": contentType } : {}),
          },
          body: JSON.stringify(body),
        });
        await expectSafe(response, before);
        if (response.status === 201) {
          const minted = (await response.json()) as MintAnswer;
          await issuer.request(`/v1/tokens/${minted.id}`, {
            method: "DELETE",
            headers: { authorization: issuer.clientAuth },
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("raw bytes as bodies, to every input-taking endpoint", async () => {
    const endpoints: Array<[string, string]> = [
      ["POST", "/v1/tokens"],
      ["PATCH", `/v1/tokens/${"x".repeat(10)}`],
      ["POST", "/v1/tokens/self/rotate"],
      ["POST", "/v1/tokens/revoke-all"],
      ["POST", "/v1/introspect"],
      ["POST", "/v1/revoke"],
      ["POST", "/v1/usage"],
      ["PUT", "/v1/routes/acme"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...endpoints),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
          jsonValue.map((v) => JSON.stringify(v)),
        ),
        contentTypes,
        fc.constantFrom("client", "user", "none", "garbage"),
        async ([method, path], body, contentType, auth) => {
          const before = await snapshot();
          const headers: Record<string, string> = contentType
            ? { "content-type": contentType }
            : {};
          if (auth === "client") headers.authorization = issuer.clientAuth;
          if (auth === "user") headers.authorization = `Bearer ${token.token}`;
          if (auth === "garbage") headers.authorization = "Bearer tmpat_a.b.c";
          const response = await issuer.request(path, { method, headers, body });
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get("content-type")).toBe("application/problem+json");
            expect(await snapshot()).toBe(before);
          }
          if (auth === "user" && path === "/v1/tokens/self/rotate" && response.status === 201) {
            // A valid body rotated the test's own token: presenting the old one again would be
            // reuse, which revokes the family by design. Carry on with its successor.
            token = (await response.json()) as MintAnswer;
          }
        },
      ),
      { numRuns: 300 },
    );
    // The manager token survived all of it.
    expect((await issuer.request("/v1/tokens/self", { headers: bearer(token.token) })).status).toBe(
      200,
    );
  });

  it("hostile query strings and path segments", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 80 }),
        async (query, segment) => {
          const path = `/v1/tokens/${encodeURIComponent(segment) || "x"}?${encodeURIComponent(query)}`;
          for (const url of [
            path,
            `/v1/audit?limit=${encodeURIComponent(query)}`,
            `/v1/status-lists/${encodeURIComponent(segment) || "x"}`,
          ]) {
            const response = await issuer.request(url, {
              headers: { authorization: issuer.clientAuth },
            });
            expect(response.status).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
