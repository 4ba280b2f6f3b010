import { describe, expect, it } from "vitest";
import { basic, CLIENT, createTestIssuer } from "../helpers/issuer.js";

const valid = { subject: "alice", name: "laptop", scope: ["read_api"] };
const json = (body: unknown) => JSON.stringify(body);

interface Case {
  name: string;
  status: number;
  code: string;
  /** The fields a validation failure names (none for other failures). */
  errors?: { path: string; message: string }[];
  body?: string;
  contentType?: string;
  authorization?: string | null;
}

const cases: Case[] = [
  { name: "malformed JSON", status: 400, code: "invalid_json", body: '{"subject":' },
  {
    name: "a JSON array",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "body", message: "must be an object" }],
    body: "[]",
  },
  {
    name: "an unknown field",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "admin", message: "unknown field" }],
    body: json({ ...valid, admin: true }),
  },
  {
    name: "an empty scope",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "scope", message: "must not be empty" }],
    body: json({ ...valid, scope: [] }),
  },
  {
    name: "an unknown scope",
    status: 400,
    code: "invalid_scope",
    body: json({ ...valid, scope: ["sudo"] }),
  },
  {
    name: "a duplicate scope",
    status: 400,
    code: "invalid_scope",
    body: json({ ...valid, scope: ["api", "api"] }),
  },
  {
    name: "permissions outside scope",
    status: 400,
    code: "invalid_scope",
    body: json({ ...valid, permissions: { write_project: ["p1"] } }),
  },
  {
    name: "a missing subject",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "subject", message: "required" }],
    body: json({ name: "x", scope: ["api"] }),
  },
  {
    name: "a subject with braces",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "subject", message: "1 to 256 printable characters, no spaces or braces" }],
    body: json({ ...valid, subject: "{a}" }),
  },
  {
    name: "an empty name",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "name", message: "must not be empty" }],
    body: json({ ...valid, name: "  " }),
  },
  {
    name: "too short a lifetime",
    status: 400,
    code: "invalid_expiry",
    body: json({ ...valid, expires_in: 60 }),
  },
  {
    name: "too long a lifetime",
    status: 400,
    code: "invalid_expiry",
    body: json({ ...valid, expires_in: 366 * 86400 }),
  },
  {
    name: "an expiry in the past",
    status: 400,
    code: "invalid_expiry",
    body: json({ ...valid, expires_at: "2020-01-01T00:00:00Z" }),
  },
  {
    name: "both expires_in and expires_at",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "expires_at", message: "give expires_in or expires_at, not both" }],
    body: json({ ...valid, expires_in: 3600, expires_at: "2027-01-01T00:00:00Z" }),
  },
  {
    name: "a non-expiring token",
    status: 400,
    code: "invalid_expiry",
    body: json({ ...valid, expires_at: null }),
  },
  {
    name: "a bad date",
    status: 400,
    code: "invalid_request",
    errors: [{ path: "expires_at", message: "must be an RFC 3339 date-time" }],
    body: json({ ...valid, expires_at: "tomorrow" }),
  },
  {
    name: "an audience that is not configured",
    status: 400,
    code: "invalid_audience",
    body: json({ ...valid, audience: ["https://evil.test"] }),
  },
  {
    name: "a huge body",
    status: 413,
    code: "payload_too_large",
    body: json({ ...valid, description: "x".repeat(20000) }),
  },
  {
    name: "text/plain",
    status: 415,
    code: "unsupported_media_type",
    body: json(valid),
    contentType: "text/plain",
  },
  {
    name: "no content type",
    status: 415,
    code: "unsupported_media_type",
    body: json(valid),
    contentType: "",
  },
  {
    name: "no credentials",
    status: 401,
    code: "unauthenticated",
    body: json(valid),
    authorization: null,
  },
  {
    name: "a wrong secret",
    status: 401,
    code: "unauthenticated",
    body: json(valid),
    authorization: basic(CLIENT.id, "wrong-secret-0123456789"),
  },
  {
    name: "an unknown client",
    status: 401,
    code: "unauthenticated",
    body: json(valid),
    authorization: basic("nobody", CLIENT.secret),
  },
  {
    name: "a garbage bearer",
    status: 401,
    code: "unauthenticated",
    body: json(valid),
    authorization: "Bearer abc",
  },
  {
    name: "a garbage basic",
    status: 401,
    code: "unauthenticated",
    body: json(valid),
    authorization: "Basic %%%",
  },
];

describe("bad input to POST /v1/tokens", () => {
  it.each(cases)("$name → $status $code, and nothing changes", async (testCase) => {
    const issuer = await createTestIssuer();
    const headers: Record<string, string> = {};
    if (testCase.authorization !== null)
      headers.authorization = testCase.authorization ?? issuer.clientAuth;
    if (testCase.contentType !== "")
      headers["content-type"] = testCase.contentType ?? "application/json";
    const response = await issuer.request("/v1/tokens", {
      method: "POST",
      headers,
      ...(testCase.body === undefined ? {} : { body: testCase.body }),
    });
    expect(response.status).toBe(testCase.status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: testCase.status, code: testCase.code });
    expect(typeof problem.detail).toBe("string");
    expect(typeof problem.title).toBe("string");
    if (testCase.errors) {
      expect(problem.errors).toEqual(testCase.errors);
      expect(problem.detail).toBe(
        testCase.errors.map(({ path, message }) => `${path}: ${message}`).join("; "),
      );
    } else {
      expect(problem).not.toHaveProperty("errors");
    }
    if (testCase.status === 401) expect(response.headers.get("www-authenticate")).toBeTruthy();

    expect(await issuer.store.listTokens("alice")).toEqual([]);
    // The next status index is still the first: the refused request allocated nothing.
    const minted = await issuer.mint();
    const stored = await issuer.store.getToken(minted.id);
    expect(stored?.record.status.idx).toBe(0);
  });

  it("names the offending field without echoing its value", async () => {
    const issuer = await createTestIssuer();
    const response = await issuer.request("/v1/tokens", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: json({ ...valid, subject: "secret value with spaces" }),
    });
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain("subject");
    expect(problem.detail).not.toContain("secret value");
  });

  it("lists every invalid field in plain words, never zod's own text", async () => {
    const issuer = await createTestIssuer();
    const response = await issuer.request("/v1/tokens", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: json({ name: "x", scope: ["a".repeat(65), 3], admin: 1, expires_at: "tomorrow" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: "https://tokenmint.dev/problems/invalid_request",
      title: "Bad Request",
      status: 400,
      code: "invalid_request",
      detail:
        "subject: required; scope[0]: must be at most 64 characters; scope[1]: must be a string; expires_at: must be an RFC 3339 date-time; admin: unknown field",
      errors: [
        { path: "subject", message: "required" },
        { path: "scope[0]", message: "must be at most 64 characters" },
        { path: "scope[1]", message: "must be a string" },
        { path: "expires_at", message: "must be an RFC 3339 date-time" },
        { path: "admin", message: "unknown field" },
      ],
    });
  });

  it("names the fields of forms, queries and nested bodies too", async () => {
    const issuer = await createTestIssuer();
    const auth = { authorization: issuer.clientAuth };
    const errorsOf = async (path: string, init?: RequestInit) => {
      const response = await issuer.request(path, init);
      expect(response.status).toBe(400);
      return ((await response.json()) as { errors: unknown }).errors;
    };
    expect(
      await errorsOf("/v1/introspect", {
        method: "POST",
        headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
        body: "token_type_hint=access_token",
      }),
    ).toEqual([{ path: "token", message: "required" }]);
    expect(await errorsOf("/v1/audit?limit=abc&bogus=1", { headers: auth })).toEqual([
      { path: "limit", message: "must be a number" },
      { path: "bogus", message: "unknown field" },
    ]);
    expect(
      await errorsOf("/v1/usage", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: json({ events: [{ jti: "a", at: "x", ip: "nope" }] }),
      }),
    ).toEqual([
      { path: "events[0].at", message: "must be an RFC 3339 date-time" },
      { path: "events[0].ip", message: "must be an IPv4 address or an IPv6 address" },
    ]);
    expect(await errorsOf("/v1/tokens", { headers: auth })).toEqual([
      { path: "subject", message: "required" },
    ]);
  });

  it("answers a known path with another method 405, naming the methods in Allow", async () => {
    const issuer = await createTestIssuer();
    const cases = [
      ["PUT", "/v1/tokens", "GET, HEAD, POST"],
      ["DELETE", "/v1/keys/rotate", "POST"],
      ["POST", "/healthz", "GET, HEAD"],
      ["GET", "/v1/revoke", "POST"],
      ["PUT", "/v1/tokens/some-id", "DELETE, GET, HEAD, PATCH"],
    ] as const;
    for (const [method, path, allow] of cases) {
      const response = await issuer.request(path, {
        method,
        headers: { authorization: issuer.clientAuth },
      });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({
        type: "https://tokenmint.dev/problems/method_not_allowed",
        title: "Method Not Allowed",
        status: 405,
        code: "method_not_allowed",
        detail: `${method} is not allowed here; use ${allow}`,
      });
    }
    const unknown = await issuer.request("/v1/nothing", { method: "PUT" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("allow")).toBeNull();
  });

  it("answers unknown endpoints with a problem+json 404", async () => {
    const issuer = await createTestIssuer();
    const response = await issuer.request("/v1/nothing");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "not_found", status: 404 });
  });
});
