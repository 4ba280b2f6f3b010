import { Hono } from "hono";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  requireToken,
  type TokenVariables,
} from "../../packages/verifier/src/hono/require-token.js";
import type { Verifier } from "../../packages/verifier/src/verifier/create-verifier.js";
import { FakeIssuer } from "./fake-issuer.js";

const server = setupServer();
let issuer: FakeIssuer;
let verifier: Verifier;

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(async () => {
  issuer = await FakeIssuer.create();
  server.use(...issuer.handlers());
  verifier = issuer.verifier();
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function app() {
  const hono = new Hono<{ Variables: TokenVariables }>();
  hono.get("/me", requireToken({ verifier }), (c) => c.json({ sub: c.get("tokenClaims").sub }));
  hono.get(
    "/orgs/:org/projects/:id",
    requireToken({
      verifier,
      permission: "read_project",
      resource: (c) => c.req.param("id"),
      org: (c) => c.req.param("org"),
    }),
    (c) => c.json({ project: c.req.param("id"), jti: c.get("tokenClaims").jti }),
  );
  return hono;
}

const get = (path: string, authorization?: string) =>
  app().request(
    path,
    authorization === undefined ? {} : { headers: { Authorization: authorization } },
  );

async function expectProblem(
  response: Response,
  status: number,
  code: string,
  title: string,
  detail: string,
  headers: Record<string, string>,
) {
  expect(response.status).toBe(status);
  expect(Object.fromEntries(response.headers)).toEqual({
    "content-type": "application/problem+json",
    "cache-control": "no-store",
    ...headers,
  });
  expect(await response.json()).toEqual({
    type: `https://tokenmint.dev/problems/${code}`,
    title,
    status,
    code,
    detail,
  });
}

const INVALID = { "www-authenticate": 'Bearer error="invalid_token"' };

describe("requireToken", () => {
  it("200: puts the verified claims on the context", async () => {
    const token = await issuer.token({ org: "acme" });
    const response = await get("/orgs/acme/projects/p1", `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ project: "p1", jti: "tok-1" });
    const me = await get("/me", `bearer ${await issuer.token()}`);
    expect(await me.json()).toEqual({ sub: "user-1" });
    // Several spaces after the scheme and trailing spaces are allowed (RFC 6750 / 7235).
    const spaced = await get("/me", `Bearer   ${await issuer.token()}  `);
    expect(await spaced.json()).toEqual({ sub: "user-1" });
  });

  it("401 without a token: plain Bearer challenge", async () => {
    const token = await issuer.token();
    for (const authorization of [
      undefined,
      "",
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "Bearer ",
      "Bearer   ",
      `Bearer ${token} extra`,
      `Bearer ${token}\u00e9`,
      `Bearer\t${token}`,
      `Token ${token}`,
    ]) {
      await expectProblem(
        await get("/me", authorization),
        401,
        "token_missing",
        "Unauthorized",
        "A bearer token is required",
        { "www-authenticate": "Bearer" },
      );
    }
  });

  it("401 for an invalid token, without echoing it", async () => {
    const token = await issuer.token({ exp: issuer.seconds - 100 });
    const response = await get("/me", `Bearer ${token}`);
    const text = await response.clone().text();
    expect(text).not.toContain(token.slice(6, 30));
    await expectProblem(
      response,
      401,
      "token_expired",
      "Unauthorized",
      "The token has expired",
      INVALID,
    );
  });

  it("401 for a revoked token", async () => {
    issuer.setStatus(0, 1);
    await expectProblem(
      await get("/me", `Bearer ${await issuer.token()}`),
      401,
      "token_revoked",
      "Unauthorized",
      "The token has been revoked",
      INVALID,
    );
  });

  it("401 for garbage", async () => {
    await expectProblem(
      await get("/me", "Bearer tmpat_not.a.jwt"),
      401,
      "token_malformed",
      "Unauthorized",
      "The token is malformed",
      INVALID,
    );
  });

  it("403 insufficient_scope for a missing permission, a narrowed resource, another org", async () => {
    const forbidden = { "www-authenticate": 'Bearer error="insufficient_scope"' };
    const tokens = [
      await issuer.token({ scope: "read_api" }),
      await issuer.token({ permissions: { read_project: ["p2"] } }),
      await issuer.token({ org: "other" }),
    ];
    for (const token of tokens) {
      await expectProblem(
        await get("/orgs/acme/projects/p1", `Bearer ${token}`),
        403,
        "insufficient_scope",
        "Forbidden",
        "The token does not grant this permission",
        forbidden,
      );
    }
  });

  it("503 with Retry-After when the status list cannot be fetched (fail closed)", async () => {
    issuer.list().fail = true;
    await expectProblem(
      await get("/me", `Bearer ${await issuer.token()}`),
      503,
      "status_unavailable",
      "Service Unavailable",
      "The token status cannot be checked right now",
      { "retry-after": "5" },
    );
  });

  it("rethrows unexpected errors to the app's error handler", async () => {
    const broken: Verifier = { verify: () => Promise.reject(new Error("boom")) };
    const hono = new Hono();
    hono.use(requireToken({ verifier: broken }));
    hono.get("/", (c) => c.text("never"));
    hono.onError((error, c) => c.text(`handled ${error.message}`, 500));
    const response = await hono.request("/", { headers: { Authorization: "Bearer x" } });
    expect([response.status, await response.text()]).toEqual([500, "handled boom"]);
  });

  it("checks its options once", () => {
    expect(() => requireToken({} as never)).toThrow(TypeError);
    expect(() => requireToken({ verifier, permission: "" })).toThrow(TypeError);
  });
});
