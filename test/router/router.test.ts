/**
 * The cell router against the real issuer (Node server, the run's Redis) and two echo cells on
 * free ports: routing by claim, by the org → cell map after a move, and by fallback; revocation
 * stopping at the router within the status list ttl; invalid tokens answered by the router
 * itself. The router runs as the real Node server (`startRouter`); clocks are injected, nothing
 * sleeps.
 */
import { request as httpRequest } from "node:http";
import { createVerifier } from "@tokenmint/verifier";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRouter, startRouter } from "../../src/router/start-router.js";
import {
  AUDIENCE,
  bearer,
  decodeClaimsHeader,
  type Echo,
  type EchoCell,
  OTHER_AUDIENCE,
  type RouterTestIssuer,
  settableClock,
  startEchoCell,
  startTestIssuer,
} from "./helpers.js";

let issuer: RouterTestIssuer;
let cellA: EchoCell;
let cellB: EchoCell;
let router: RunningRouter;
const verifierClock = settableClock();
const routesClock = settableClock();
const logs: string[] = [];

beforeAll(async () => {
  [issuer, cellA, cellB] = await Promise.all([
    startTestIssuer(),
    startEchoCell("cell-a"),
    startEchoCell("cell-b"),
  ]);
  router = await startRouter({
    port: 0,
    options: {
      verifier: createVerifier({
        issuer: issuer.url,
        audience: AUDIENCE,
        now: verifierClock,
        statusList: { minTtlSeconds: 5 },
      }),
      cells: { "cell-a": cellA.url, "cell-b": `${cellB.url}/` },
      fallback: "cell-b",
      routes: { url: `${issuer.url}/v1/routes`, refreshSeconds: 5 },
      now: routesClock,
      forwardClaimsHeader: "X-Tokenmint-Claims",
      logger: {
        warn: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
        error: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
      },
    },
  });
});

afterAll(async () => {
  await Promise.all([router?.close(), cellA?.close(), cellB?.close()]);
  await issuer?.close();
});

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${router.url}${path}`, init);
}

async function echoOf(path: string, token: string, init: RequestInit = {}): Promise<Echo> {
  const response = await send(path, {
    ...init,
    headers: { ...bearer(token), ...(init.headers as Record<string, string>) },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Echo;
}

function claimsOf(token: string) {
  return decodeJwt(token.slice("tmpat_".length));
}

function problem(code: string, status: number, title: string, detail: string) {
  return { type: `https://tokenmint.dev/problems/${code}`, title, status, code, detail };
}

describe("the cell router", () => {
  it("sends a request to the cell of the token's claim, with method, path, query and token", async () => {
    const acme = await issuer.mint({ org: "acme" });
    const globex = await issuer.mint({ org: "globex" });
    expect([acme.cell, globex.cell]).toEqual(["cell-a", "cell-b"]);

    const echo = await echoOf("/api/v4/projects/42?page=2&tag=a&tag=b", acme.token, {
      method: "DELETE",
    });
    expect(echo).toMatchObject({
      cell: "cell-a",
      method: "DELETE",
      path: "/api/v4/projects/42",
      query: { page: ["2"], tag: ["a", "b"] },
    });
    // The cell authorizes the request itself, so the token goes along.
    expect(echo.headers.authorization).toBe(`Bearer ${acme.token}`);
    expect(decodeClaimsHeader(echo.headers["x-tokenmint-claims"]!)).toMatchObject({
      jti: acme.id,
      org: "acme",
      cell: "cell-a",
      sub: "alice",
      aud: [AUDIENCE, OTHER_AUDIENCE],
    });

    const other = await echoOf("/api/v4/user", globex.token);
    expect(other).toMatchObject({ cell: "cell-b", method: "GET", path: "/api/v4/user" });
  });

  it("sends cluster-wide tokens and orgs without a cell to the fallback", async () => {
    const clusterWide = await issuer.mint();
    expect(claimsOf(clusterWide.token)).not.toHaveProperty("org");
    expect(claimsOf(clusterWide.token)).not.toHaveProperty("cell");
    expect((await echoOf("/api/v4/version", clusterWide.token)).cell).toBe("cell-b");
    const unmapped = await issuer.mint({ org: "umbrella" });
    expect(claimsOf(unmapped.token)).not.toHaveProperty("cell");
    expect((await echoOf("/api/v4/version", unmapped.token)).cell).toBe("cell-b");
  });

  it("sends an org's old tokens to its new cell once the map is refreshed", async () => {
    const old = await issuer.mint({ org: "hooli" });
    expect(old.cell).toBe("cell-a");
    expect((await echoOf("/moved", old.token)).cell).toBe("cell-a");

    await issuer.move("hooli", "cell-b");
    // Within refreshSeconds the router keeps its copy of the map.
    expect((await echoOf("/moved", old.token)).cell).toBe("cell-a");
    routesClock.advance(5);
    // The map entry overrides the old token's signed claim.
    expect((await echoOf("/moved", old.token)).cell).toBe("cell-b");
    const fresh = await issuer.mint({ org: "hooli" });
    expect(fresh.cell).toBe("cell-b");
    expect((await echoOf("/moved", fresh.token)).cell).toBe("cell-b");
  });

  it("stops a revoked token at the router within the status list ttl", async () => {
    const minted = await issuer.mint({ org: "acme" });
    expect((await echoOf("/revoked", minted.token)).cell).toBe("cell-a");
    await issuer.revoke(minted.token);
    const before = cellA.seen.length;

    verifierClock.advance(5);
    const response = await send("/revoked", { headers: bearer(minted.token) });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual(
      problem("token_revoked", 401, "Unauthorized", "The token has been revoked"),
    );
    expect(cellA.seen.length).toBe(before);
  });

  it("answers invalid tokens itself with 401, and no cell ever sees them", async () => {
    const valid = await issuer.mint({ org: "acme" });
    const elsewhere = await issuer.mint({ org: "acme", audience: [OTHER_AUDIENCE] });
    const [header, payload, signature] = valid.token.slice("tmpat_".length).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    const forged = `tmpat_${header}.${Buffer.from(JSON.stringify({ ...claims, org: "globex", cell: "cell-b" })).toString("base64url")}.${signature}`;
    const seen = cellA.seen.length + cellB.seen.length;

    const cases: [Record<string, string>, string, string, string][] = [
      [{}, "token_missing", "A bearer token is required", "Bearer"],
      [
        { authorization: "Basic Zm9vOmJhcg==" },
        "token_missing",
        "A bearer token is required",
        "Bearer",
      ],
      [
        bearer("tmpat_nope"),
        "token_malformed",
        "The token is malformed",
        'Bearer error="invalid_token"',
      ],
      [
        bearer(forged),
        "signature_invalid",
        "The token signature is invalid",
        'Bearer error="invalid_token"',
      ],
      [
        bearer(elsewhere.token),
        "audience_mismatch",
        "The token is not meant for this audience",
        'Bearer error="invalid_token"',
      ],
    ];
    for (const [headers, code, detail, challenge] of cases) {
      const response = await send("/api/v4/projects", { method: "POST", headers, body: "x" });
      expect(response.status, code).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("www-authenticate")).toBe(challenge);
      expect(await response.json()).toEqual(problem(code, 401, "Unauthorized", detail));
    }
    expect(cellA.seen.length + cellB.seen.length).toBe(seen);
  });

  it("answers 502 for a cell it has no upstream for", async () => {
    const ghost = await issuer.mint({ org: "initech" });
    expect(ghost.cell).toBe("cell-ghost");
    const response = await send("/api/v4/projects", { headers: bearer(ghost.token) });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual(
      problem("cell_unknown", 502, "Bad Gateway", "No upstream is configured for cell cell-ghost"),
    );
  });

  it("sets X-Forwarded-* itself and drops the client's copies and its claims header", async () => {
    const minted = await issuer.mint({ org: "globex" });
    const echo = await echoOf("/forwarded", minted.token, {
      headers: {
        "X-Forwarded-For": "198.51.100.66",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Port": "443",
        "X-Real-IP": "198.51.100.66",
        Forwarded: "for=198.51.100.66",
        "X-Tokenmint-Claims": "eyJvcmciOiJnbG9iZXgiLCJzY29wZSI6ImFkbWluIn0",
      },
    });
    expect(echo.cell).toBe("cell-b");
    expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(echo.headers["x-forwarded-proto"]).toBe("http");
    expect(echo.headers["x-forwarded-host"]).toBe(new URL(router.url).host);
    expect(echo.headers["x-forwarded-port"]).toBeUndefined();
    expect(echo.headers["x-real-ip"]).toBeUndefined();
    expect(echo.headers.forwarded).toBeUndefined();
    expect(echo.headers.host).toBe(new URL(cellB.url).host);
    expect(decodeClaimsHeader(echo.headers["x-tokenmint-claims"]!)).toMatchObject({
      jti: minted.id,
      scope: "read_api",
    });
  });

  it("drops every spelling of its claims header the client sends (case, _ for -)", async () => {
    const minted = await issuer.mint({ org: "globex" });
    const forged = "eyJvcmciOiJnbG9iZXgiLCJzY29wZSI6ImFkbWluIn0";
    const spellings = [
      "X_Tokenmint_Claims",
      "x_tokenmint_claims",
      "X-TOKENMINT_CLAIMS",
      "x_Tokenmint-Claims",
      "x-tokenmint-claims",
    ];
    // node:http sends each name exactly as written (fetch would merge the case variants); given
    // a raw list it adds no Host of its own.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const raw = ["host", new URL(router.url).host, "authorization", `Bearer ${minted.token}`];
      for (const name of spellings) raw.push(name, forged);
      const sent = httpRequest(`${router.url}/spellings`, { headers: raw }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.once("error", reject);
      });
      sent.once("error", reject);
      sent.end();
    });
    expect(answer).toMatchObject({ status: 200 });
    const echo = JSON.parse(answer.body) as Echo;
    expect(echo.cell).toBe("cell-b");
    const claimsLike = Object.keys(echo.headers).filter(
      (name) => name.replaceAll("_", "-") === "x-tokenmint-claims",
    );
    expect(claimsLike).toEqual(["x-tokenmint-claims"]);
    expect(decodeClaimsHeader(echo.headers["x-tokenmint-claims"]!)).toMatchObject({
      jti: minted.id,
      scope: "read_api",
    });
  });

  it("streams a POST body to the cell intact", async () => {
    const minted = await issuer.mint({ org: "acme" });
    const chunk = crypto.getRandomValues(new Uint8Array(64 * 1024));
    const chunks = 48; // 3 MiB
    const whole = new Uint8Array(chunk.byteLength * chunks);
    for (let i = 0; i < chunks; i++) whole.set(chunk, i * chunk.byteLength);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === chunks) controller.close();
        else {
          controller.enqueue(chunk.slice());
          sent++;
        }
      },
    });
    const echo = await echoOf("/upload?name=blob", minted.token, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", whole)).toString("hex");
    expect(echo).toMatchObject({
      cell: "cell-a",
      method: "POST",
      path: "/upload",
      bodyLength: whole.byteLength,
      bodySha256: digest,
    });
    expect(echo.headers["content-type"]).toBe("application/octet-stream");
  });

  it("relays a compressed answer so the client can read it", async () => {
    const minted = await issuer.mint({ org: "acme" });
    const response = await send("/gzip", { headers: bearer(minted.token) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cell: "cell-a", compressed: true });
  });

  it("refuses a token used from outside its allowed_ips with 403 ip_not_allowed; no cell sees it", async () => {
    const local = await issuer.mint({ org: "acme", allowed_ips: ["127.0.0.0/8", "::1"] });
    expect((await echoOf("/api/v4/user", local.token)).cell).toBe("cell-a");
    const remote = await issuer.mint({ org: "acme", allowed_ips: ["203.0.113.0/24"] });
    const seen = cellA.seen.length + cellB.seen.length;
    // Without trusted proxies the client's X-Forwarded-For is not believed.
    const response = await send("/api/v4/user", {
      headers: { ...bearer(remote.token), "x-forwarded-for": "203.0.113.9" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual(
      problem("ip_not_allowed", 403, "Forbidden", "The token may not be used from this address"),
    );
    expect(cellA.seen.length + cellB.seen.length).toBe(seen);
    expect(logs.some((line) => line.includes('"event":"router.ip_not_allowed"'))).toBe(true);
  });

  it("reads the client behind trusted proxies from X-Forwarded-For, right-most first", async () => {
    const behind = await startRouter({
      port: 0,
      options: {
        verifier: createVerifier({ issuer: issuer.url, audience: AUDIENCE }),
        cells: { "cell-a": cellA.url, "cell-b": cellB.url },
        fallback: "cell-b",
        trustedProxies: ["127.0.0.1", "::1"],
      },
    });
    try {
      const remote = await issuer.mint({ org: "acme", allowed_ips: ["203.0.113.0/24"] });
      const from = (forwarded: string) =>
        fetch(`${behind.url}/api/v4/user`, {
          headers: { ...bearer(remote.token), "x-forwarded-for": forwarded },
        });
      expect((await from("203.0.113.9")).status).toBe(200);
      expect((await from("::ffff:203.0.113.9")).status).toBe(200);
      expect((await from("203.0.113.9, 192.0.2.1")).status).toBe(403);
      expect((await from("192.0.2.1, 203.0.113.9")).status).toBe(200);
    } finally {
      await behind.close();
    }
    await expect(
      startRouter({
        port: 0,
        options: {
          verifier: createVerifier({ issuer: issuer.url, audience: AUDIENCE }),
          cells: { a: cellA.url },
          fallback: "a",
          trustedProxies: ["nope"],
        },
      }),
    ).rejects.toThrow("trustedProxies: must be IP addresses or CIDR ranges");
  });

  it("logs no token", () => {
    expect(logs.join("\n")).not.toMatch(/eyJ/);
  });
});
