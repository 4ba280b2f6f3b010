/**
 * The router's Node server against clients that hold connections: a request body or headers sent
 * a byte at a time is closed once its timeout passes, and connections beyond the cap are refused.
 * The router runs as the real Node server (`startRouter`) in front of the real issuer and an echo
 * cell; the limits come from `ROUTER_*` configuration, set short here.
 */
import { createVerifier } from "@tokenmint/verifier";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRouterConfig } from "../../src/router/config.js";
import { type RunningRouter, startRouter } from "../../src/router/start-router.js";
import { dribble, getOnce, getOnceAnswered, holdConnections } from "../helpers/raw-http.js";
import {
  AUDIENCE,
  type EchoCell,
  type RouterTestIssuer,
  startEchoCell,
  startTestIssuer,
} from "./helpers.js";

const ENV = {
  ROUTER_ISSUER: "http://issuer.test",
  ROUTER_AUDIENCE: AUDIENCE,
  ROUTER_CELLS: "cell-a=http://cell-a.test",
  ROUTER_FALLBACK: "cell-a",
};

let issuer: RouterTestIssuer;
let cell: EchoCell;
let router: RunningRouter;
let host: string;

beforeAll(async () => {
  [issuer, cell] = await Promise.all([startTestIssuer(), startEchoCell("cell-a")]);
  const { server } = parseRouterConfig({
    ...ENV,
    ROUTER_HEADERS_TIMEOUT: "1",
    ROUTER_REQUEST_TIMEOUT: "2s",
    ROUTER_MAX_CONNECTIONS: "2",
  });
  router = await startRouter({
    port: 0,
    limits: server,
    options: {
      verifier: createVerifier({ issuer: issuer.url, audience: AUDIENCE }),
      cells: { "cell-a": cell.url },
      fallback: "cell-a",
    },
  });
  host = new URL(router.url).host;
});

afterAll(async () => {
  await Promise.all([router?.close(), cell?.close()]);
  await issuer?.close();
});

describe("the router's Node server", () => {
  it("closes a proxied request whose body arrives a byte at a time once the request timeout passes", async () => {
    const { token } = await issuer.mint({ org: "acme" });
    const { ms, answer } = await dribble(
      router.url,
      `POST /upload HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
        "Content-Type: application/octet-stream\r\nContent-Length: 4096\r\n\r\n",
      "x",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(4000);
    expect(cell.seen.filter((echo) => echo.path === "/upload")).toEqual([]);
  });

  it("closes a connection whose headers arrive a byte at a time once the headers timeout passes", async () => {
    const { ms, answer } = await dribble(
      router.url,
      `GET /slow HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `,
      "a",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3000);
  });

  it("refuses connections beyond the cap, and accepts again once one closes", async () => {
    // Without a token the router answers 401 itself: enough to know a connection was accepted.
    const held = await holdConnections(router.url, 2, "/held");
    expect(await getOnce(router.url, "/refused")).toBe("");
    held[0]?.destroy();
    await held[0]?.closed;
    expect(await getOnceAnswered(router.url, "/again")).toMatch(/^HTTP\/1\.1 401 /);
    for (const connection of held) connection.destroy();
  });
});

describe("the router's limits configuration", () => {
  it("defaults to 10 s for headers, 300 s for a request, 10000 connections", () => {
    expect(parseRouterConfig(ENV).server).toEqual({
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 300,
      maxConnections: 10000,
    });
  });

  it("refuses a headers timeout longer than the request timeout, naming the variable", () => {
    expect(() =>
      parseRouterConfig({ ...ENV, ROUTER_HEADERS_TIMEOUT: "2m", ROUTER_REQUEST_TIMEOUT: "60" }),
    ).toThrow("ROUTER_HEADERS_TIMEOUT: must not exceed ROUTER_REQUEST_TIMEOUT (60s)");
    expect(() => parseRouterConfig({ ...ENV, ROUTER_MAX_CONNECTIONS: "none" })).toThrow(
      /ROUTER_MAX_CONNECTIONS: /,
    );
  });
});
