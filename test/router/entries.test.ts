/**
 * The router's entries: configuration parsing (every bad variable named), `npm run router`
 * (src/router/server.ts as a child process against the real issuer), and the Worker entry's
 * `fetch` called on Node with bindings.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config.js";
import { parseRouterConfig } from "../../src/router/config.js";
import worker, { routerForEnv } from "../../src/router/worker.js";
import {
  AUDIENCE,
  bearer,
  type Echo,
  type EchoCell,
  type RouterTestIssuer,
  startEchoCell,
  startTestIssuer,
} from "./helpers.js";

const GOOD = {
  ROUTER_ISSUER: "https://tokens.example.com/",
  ROUTER_AUDIENCE: "https://api.example.com, https://registry.example.com",
  ROUTER_CELLS: "cell-a=http://10.0.0.1:8080, cell-b=https://b.internal/base/",
  ROUTER_FALLBACK: "cell-a",
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseRouterConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("the router's configuration", () => {
  it("reads the variables with their defaults", () => {
    expect(parseRouterConfig({ ...GOOD, UNRELATED: "x" })).toEqual({
      port: 8081,
      host: "127.0.0.1",
      issuer: "https://tokens.example.com",
      audience: ["https://api.example.com", "https://registry.example.com"],
      cells: { "cell-a": "http://10.0.0.1:8080", "cell-b": "https://b.internal/base" },
      fallback: "cell-a",
      routesRefreshSeconds: 10,
      tokenPrefixes: { pat: "tmpat_" },
      trustForwarded: false,
      trustedProxies: [],
      server: { headersTimeoutSeconds: 10, requestTimeoutSeconds: 300, maxConnections: 10000 },
    });
    expect(
      parseRouterConfig({
        ...GOOD,
        PORT: "9000",
        ROUTER_ROUTES_REFRESH: "30",
        ROUTER_FORWARD_CLAIMS_HEADER: "X-Tokenmint-Claims",
        ROUTER_TOKEN_PREFIX: "",
        ROUTER_TRUST_FORWARDED: "true",
        ROUTER_TRUSTED_PROXIES: "10.1.2.3/8, ::1",
      }),
    ).toMatchObject({
      trustedProxies: ["10.0.0.0/8", "::1/128"],
      port: 9000,
      routesRefreshSeconds: 30,
      forwardClaimsHeader: "X-Tokenmint-Claims",
      tokenPrefixes: { pat: "" },
      trustForwarded: true,
    });
    expect(
      parseRouterConfig({
        ...GOOD,
        ROUTER_TOKEN_PREFIXES: JSON.stringify({ pat: "tmpat_", deploy: "tmdt_" }),
      }).tokenPrefixes,
    ).toEqual({ pat: "tmpat_", deploy: "tmdt_" });
    expect(
      problemsOf({ ...GOOD, ROUTER_TOKEN_PREFIXES: '{"pat":"tm_","deploy":"tm_dt_"}' }),
    ).toEqual(['ROUTER_TOKEN_PREFIXES: the prefix "tm_" of pat is a prefix of "tm_dt_" of deploy']);
  });

  it("names every bad variable, never its value", () => {
    expect(problemsOf({})).toEqual([
      "ROUTER_ISSUER: Invalid input: expected string, received undefined",
      "ROUTER_AUDIENCE: Invalid input: expected string, received undefined",
      "ROUTER_CELLS: Invalid input: expected string, received undefined",
      "ROUTER_FALLBACK: Invalid input: expected string, received undefined",
    ]);
    const bad = problemsOf({
      ROUTER_ISSUER: "ftp://tokens.example.com",
      ROUTER_AUDIENCE: " , ",
      ROUTER_CELLS: "cell-a=http://secret-host:1/?token=hunter2",
      ROUTER_FALLBACK: "bad cell",
      ROUTER_ROUTES_REFRESH: "0",
      ROUTER_FORWARD_CLAIMS_HEADER: "Authorization",
      ROUTER_TRUSTED_PROXIES: "10.0.0.0/8,proxy.internal",
      ROUTER_TRUST_FORWARDED: "yes",
      PORT: "70000",
    });
    expect(bad.map((line) => line.split(":")[0])).toEqual([
      "PORT",
      "ROUTER_ISSUER",
      "ROUTER_AUDIENCE",
      "ROUTER_CELLS",
      "ROUTER_FALLBACK",
      "ROUTER_ROUTES_REFRESH",
      "ROUTER_FORWARD_CLAIMS_HEADER",
      "ROUTER_TRUSTED_PROXIES",
      "ROUTER_TRUST_FORWARDED",
    ]);
    expect(bad).toContain(
      "ROUTER_TRUSTED_PROXIES: expected comma-separated IP addresses or CIDR ranges; entry 2 is neither",
    );
    expect(bad.join("\n")).not.toContain("hunter2");
    expect(problemsOf({ ...GOOD, ROUTER_FALLBACK: "cell-z" })).toEqual([
      "ROUTER_FALLBACK: must be one of the cells in ROUTER_CELLS",
    ]);
    expect(problemsOf({ ...GOOD, ROUTER_CELLS: "cell-a=http://a,cell-a=http://b" })).toEqual([
      "ROUTER_CELLS: expected comma-separated cell=url pairs (http(s) URLs, each cell once)",
    ]);
  });
});

describe("the router's entries", () => {
  let issuer: RouterTestIssuer;
  let cell: EchoCell;
  let env: Record<string, string>;

  beforeAll(async () => {
    [issuer, cell] = await Promise.all([startTestIssuer(), startEchoCell("cell-a")]);
    env = {
      ROUTER_ISSUER: issuer.url,
      ROUTER_AUDIENCE: AUDIENCE,
      ROUTER_CELLS: `cell-a=${cell.url}`,
      ROUTER_FALLBACK: "cell-a",
      ROUTER_FORWARD_CLAIMS_HEADER: "X-Tokenmint-Claims",
    };
  });
  afterAll(async () => {
    await cell?.close();
    await issuer?.close();
  });

  function runServer(extra: Record<string, string>) {
    const child = spawn(
      join(process.cwd(), "node_modules/.bin/tsx"),
      [join(process.cwd(), "src/router/server.ts")],
      {
        env: { PATH: process.env.PATH ?? "", ...extra },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { child, exited, stderr: () => stderr };
  }

  it("npm run router: stops on a bad variable with a message naming it", async () => {
    const run = runServer({ ...env, ROUTER_CELLS: "nope" });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain("tokenmint router: Invalid configuration:");
    expect(run.stderr()).toContain("ROUTER_CELLS: expected comma-separated cell=url pairs");
  });

  it("npm run router: listens and routes", async () => {
    const run = runServer({ ...env, PORT: "0" });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /listening on (http:\/\/\S+) /.exec(run.stderr());
          if (match?.[1]) {
            clearInterval(timer);
            resolve(match[1]);
          }
        }, 20);
        run.exited.then(() => {
          clearInterval(timer);
          reject(new Error(`exited: ${run.stderr()}`));
        });
      });
      const minted = await issuer.mint({ org: "acme" });
      const response = await fetch(`${url}/api/v4/user`, { headers: bearer(minted.token) });
      expect(response.status).toBe(200);
      const echo = (await response.json()) as Echo;
      expect(echo).toMatchObject({ cell: "cell-a", path: "/api/v4/user" });
      expect(echo.headers["x-tokenmint-claims"]).toBeTruthy();
      expect((await fetch(`${url}/api/v4/user`)).status).toBe(401);
    } finally {
      run.child.kill("SIGTERM");
      await run.exited;
    }
  });

  it("the Worker entry routes with the bindings and reuses one router per isolate", async () => {
    const minted = await issuer.mint({ org: "acme" });
    const response = await worker.fetch(
      new Request("https://router.example.com/api/v4/user", {
        headers: { ...bearer(minted.token), "cf-connecting-ip": "192.0.2.9" },
      }),
      env,
    );
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo).toMatchObject({ cell: "cell-a", path: "/api/v4/user" });
    expect(echo.headers["x-forwarded-for"]).toBe("192.0.2.9");
    expect(echo.headers["x-forwarded-host"]).toBe("router.example.com");
    expect(routerForEnv({ ...env })).toBe(routerForEnv(env));
    expect(routerForEnv({ ...env, ROUTER_ROUTES_REFRESH: "5" })).not.toBe(routerForEnv(env));
  });

  it("the Worker entry reaches the issuer through an ISSUER service binding when bound", async () => {
    const minted = await issuer.mint({ org: "acme" });
    const asked: string[] = [];
    const bound = {
      ...env,
      ROUTER_ISSUER: "https://issuer.internal",
      ISSUER: {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          const url = String(input instanceof Request ? input.url : input);
          asked.push(new URL(url).pathname);
          return fetch(url.replace("https://issuer.internal", issuer.url), init);
        },
      },
    };
    // The token names the real issuer URL, so the pinned issuer rejects it: but only after the
    // keys came through the binding.
    const response = await worker.fetch(
      new Request("https://router.example.com/x", { headers: bearer(minted.token) }),
      bound,
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("issuer_mismatch");
    expect(asked).toContain("/.well-known/jwks.json");
  });

  it("the Worker entry answers 500 for bad bindings and names them only in the log", async () => {
    const response = await worker.fetch(new Request("https://router.example.com/x"), {
      ...env,
      ROUTER_FALLBACK: "cell-z",
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      type: "https://tokenmint.dev/problems/configuration_invalid",
      title: "Internal Server Error",
      status: 500,
      code: "configuration_invalid",
      detail: "The router is misconfigured",
    });
  });
});
