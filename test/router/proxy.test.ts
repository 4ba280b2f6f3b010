/**
 * The router in-process (`app.request`) in front of real echo cells, with a static JWKS and
 * tokens signed here: hop-by-hop headers both ways, `trustForwarded`, the fallback resolver, an
 * unreachable upstream, and option checks.
 */
import { createVerifier } from "@tokenmint/verifier";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCellRouter } from "../../src/router/create-cell-router.js";
import { withoutHopByHopRaw } from "../../src/router/forward-headers.js";
import { nodeUpstreamFetch } from "../../src/router/node-upstream.js";
import { proxyRequest } from "../../src/router/proxy-request.js";
import type { CellRouterOptions } from "../../src/router/router-options.js";
import { bearer, decodeClaimsHeader, type Echo, type EchoCell, startEchoCell } from "./helpers.js";

const ISSUER = "https://issuer.test";
const AUDIENCE = "https://api.test";
let cellA: EchoCell;
let cellB: EchoCell;
let sign: (claims: Record<string, unknown>) => Promise<string>;
let verifier: CellRouterOptions["verifier"];

beforeAll(async () => {
  [cellA, cellB] = await Promise.all([startEchoCell("cell-a"), startEchoCell("cell-b")]);
  const { privateKey, publicKey } = await generateKeyPair("EdDSA");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA", use: "sig" };
  verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [jwk] },
    statusList: { enabled: false },
  });
  let n = 0;
  sign = (claims) => {
    n++;
    return new SignJWT({
      sub: "alice",
      client_id: "platform",
      scope: "read_api",
      fam: `jti-${n}`,
      status: { status_list: { idx: n, uri: `${ISSUER}/v1/status-lists/1` } },
      ...claims,
    })
      .setProtectedHeader({ alg: "EdDSA", kid: "k1", typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(`jti-${n}`)
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey)
      .then((jws) => `tmpat_${jws}`);
  };
});

afterAll(async () => {
  await Promise.all([cellA?.close(), cellB?.close()]);
});

function router(options: Partial<CellRouterOptions> = {}) {
  return createCellRouter({
    verifier,
    cells: { "cell-a": cellA.url, "cell-b": cellB.url },
    fallback: "cell-a",
    clientIp: () => "203.0.113.7",
    ...options,
  });
}

describe("the Node upstream client through proxyRequest", () => {
  it.each([
    ["/hop-one", ["a=1; Path=/"]],
    ["/hop", ["a=1; Path=/", "b=2; Path=/"]],
  ])("relays %s without hop-by-hop headers, every Set-Cookie kept", async (path, cookies) => {
    const request = new Request(`https://router.test${path}`);
    const response = await proxyRequest(request, cellA.url, new Headers(), nodeUpstreamFetch);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hop");
    for (const name of ["connection", "x-cell-secret", "keep-alive", "proxy-authenticate"]) {
      expect(response.headers.get(name), name).toBeNull();
    }
    expect(response.headers.get("x-cell-public")).toBe("end-to-end");
    expect(response.headers.getSetCookie()).toEqual(cookies);
  });

  it("withoutHopByHopRaw keeps end-to-end headers and gives up on repeated names", () => {
    expect(
      withoutHopByHopRaw([
        "Content-Type",
        "text/plain",
        "Connection",
        "close, X-Secret",
        "X-Secret",
        "s",
        "Proxy-Authenticate",
        "Basic",
        "TE",
        "trailers",
        "X-Kept",
        "k",
      ]),
    ).toEqual({ "Content-Type": "text/plain", "X-Kept": "k" });
    expect(withoutHopByHopRaw(["Set-Cookie", "a=1", "set-cookie", "b=2"])).toBeUndefined();
  });
});

describe("the router's proxying", () => {
  it("drops hop-by-hop headers on the way to the cell, and those the Connection header names", async () => {
    const token = await sign({ org: "globex", cell: "cell-b" });
    const response = await router().request("https://router.test/api/v4/user?x=1", {
      headers: {
        ...bearer(token),
        Connection: "keep-alive, X-Client-Hop",
        "X-Client-Hop": "secret",
        "Keep-Alive": "timeout=5",
        TE: "trailers",
        Trailer: "X-Checksum",
        Upgrade: "websocket",
        "Proxy-Authorization": "Basic Zm9vOmJhcg==",
        "Proxy-Connection": "keep-alive",
        "X-End-To-End": "kept",
      },
    });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.cell).toBe("cell-b");
    for (const name of [
      "x-client-hop",
      "keep-alive",
      "te",
      "trailer",
      "upgrade",
      "proxy-authorization",
      "proxy-connection",
    ]) {
      expect(echo.headers[name], name).toBeUndefined();
    }
    // Node's fetch opens its own connection to the cell and says so; nothing of the client's.
    expect(echo.headers.connection ?? "keep-alive").toBe("keep-alive");
    expect(echo.headers["x-end-to-end"]).toBe("kept");
    expect(echo.headers["x-forwarded-for"]).toBe("203.0.113.7");
    expect(echo.headers["x-forwarded-proto"]).toBe("https");
    expect(echo.headers["x-forwarded-host"]).toBe("router.test");
  });

  it("drops hop-by-hop headers on the way back and keeps every Set-Cookie", async () => {
    const token = await sign({ org: "acme", cell: "cell-a" });
    const response = await router().request("https://router.test/hop", { headers: bearer(token) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hop");
    expect(response.headers.get("x-cell-public")).toBe("end-to-end");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    for (const name of ["connection", "x-cell-secret", "keep-alive", "proxy-authenticate"]) {
      expect(response.headers.get(name), name).toBeNull();
    }
  });

  it("appends to X-Forwarded-* behind a trusted proxy", async () => {
    const token = await sign({});
    const response = await router({ trustForwarded: true }).request("http://router.test/x", {
      headers: {
        ...bearer(token),
        "X-Forwarded-For": "198.51.100.1",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "api.example.com",
      },
    });
    const echo = (await response.json()) as Echo;
    expect(echo.headers["x-forwarded-for"]).toBe("198.51.100.1, 203.0.113.7");
    expect(echo.headers["x-forwarded-proto"]).toBe("https");
    expect(echo.headers["x-forwarded-host"]).toBe("api.example.com");
  });

  it("passes no claims header unless configured, and never the client's copy when configured", async () => {
    const token = await sign({ org: "acme", cell: "cell-a", sub: "zoë" });
    const plain = (await (
      await router().request("https://router.test/c", { headers: bearer(token) })
    ).json()) as Echo;
    expect(Object.keys(plain.headers).filter((name) => name.includes("claims"))).toEqual([]);

    const forged = btoa(JSON.stringify({ sub: "root", scope: "admin" }));
    const configured = router({ forwardClaimsHeader: "X-Verified-Claims" });
    const echo = (await (
      await configured.request("https://router.test/c", {
        headers: { ...bearer(token), "x-verified-claims": forged },
      })
    ).json()) as Echo;
    expect(decodeClaimsHeader(echo.headers["x-verified-claims"]!)).toMatchObject({
      sub: "zoë",
      org: "acme",
      scope: "read_api",
    });
    // A token that fails verification never gets that far, and neither does its header.
    const rejected = await configured.request("https://router.test/c", {
      headers: { authorization: "Bearer tmpat_x.y.z", "x-verified-claims": forged },
    });
    expect(rejected.status).toBe(401);
  });

  it("asks a fallback resolver for tokens without a cell, and answers 502 when it has none", async () => {
    const resolve = (claims: { sub: string }, request: Request) =>
      request.headers.get("x-region") === "us"
        ? "cell-b"
        : claims.sub === "ops"
          ? "cell-a"
          : undefined;
    const app = router({ fallback: resolve });
    const us = await app.request("https://router.test/r", {
      headers: { ...bearer(await sign({})), "x-region": "us" },
    });
    expect(((await us.json()) as Echo).cell).toBe("cell-b");
    const ops = await app.request("https://router.test/r", {
      headers: bearer(await sign({ sub: "ops" })),
    });
    expect(((await ops.json()) as Echo).cell).toBe("cell-a");
    const none = await app.request("https://router.test/r", { headers: bearer(await sign({})) });
    expect(none.status).toBe(502);
    expect(await none.json()).toMatchObject({
      code: "cell_unknown",
      detail: "No cell serves this token",
    });
    // A token that names a cell never asks the resolver.
    const named = await app.request("https://router.test/r", {
      headers: bearer(await sign({ org: "globex", cell: "cell-b" })),
    });
    expect(((await named.json()) as Echo).cell).toBe("cell-b");
  });

  it("answers 502 when the cell does not answer", async () => {
    const warnings: string[] = [];
    const app = router({
      cells: { "cell-a": "http://127.0.0.1:1" },
      logger: { warn: (event) => warnings.push(event), error: (event) => warnings.push(event) },
    });
    const response = await app.request("https://router.test/down", {
      headers: bearer(await sign({})),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      type: "https://tokenmint.dev/problems/upstream_unavailable",
      title: "Bad Gateway",
      status: 502,
      code: "upstream_unavailable",
      detail: "The cell did not answer",
    });
    expect(warnings).toEqual(["router.upstream_unavailable"]);
  });

  it("keeps the upstream's base path and relays HEAD and redirects as they are", async () => {
    const token = await sign({ org: "acme", cell: "cell-a" });
    const app = router({ cells: { "cell-a": `${cellA.url}/prefix/` } });
    const direct = router();
    const echo = (await (
      await app.request("https://router.test/v1/x", { headers: bearer(token) })
    ).json()) as Echo;
    expect(echo.path).toBe("/prefix/v1/x");
    const head = await app.request("https://router.test/v1/x", {
      method: "HEAD",
      headers: bearer(token),
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(cellA.seen.at(-1)?.method).toBe("HEAD");
    const redirect = await direct.request("https://router.test/redirect", {
      headers: bearer(token),
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/elsewhere");
  });

  it("checks its options once, naming the bad one", () => {
    const base = { verifier, cells: { "cell-a": cellA.url }, fallback: "cell-a" };
    const bad: [Partial<CellRouterOptions> | Record<string, unknown>, string][] = [
      [{ verifier: undefined }, "verifier: a verifier is required (createVerifier)"],
      [{ cells: {} }, "cells: at least one cell is required"],
      [{ cells: { "bad cell": cellA.url } }, 'cells: "bad cell" is not a cell id'],
      [{ cells: { a: "ftp://x" } }, "cells.a: must be an http(s) URL"],
      [
        { cells: { a: "http://x/?q=1" } },
        "cells.a: must not carry a query, fragment or credentials",
      ],
      [{ fallback: "cell-z" }, "fallback: must be one of the cells"],
      [{ routes: { url: "nope" } }, "routes.url: must be an absolute URL"],
      [
        { routes: { url: "https://i.test/v1/routes", refreshSeconds: 0 } },
        "routes.refreshSeconds: must be more than 0 and at most 300 seconds",
      ],
      [
        { forwardClaimsHeader: "Authorization" },
        "forwardClaimsHeader: must be a header name the router does not manage",
      ],
      [
        { forwardClaimsHeader: "X-Forwarded-User" },
        "forwardClaimsHeader: must be a header name the router does not manage",
      ],
      [
        { forwardClaimsHeader: "bad header" },
        "forwardClaimsHeader: must be a header name the router does not manage",
      ],
    ];
    for (const [patch, message] of bad) {
      expect(() => createCellRouter({ ...base, ...patch } as CellRouterOptions)).toThrow(
        new TypeError(message),
      );
    }
  });
});
