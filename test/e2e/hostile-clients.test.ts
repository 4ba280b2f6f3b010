/**
 * The real Node server on Redis against clients that misbehave: Basic credentials that do not
 * decode, junk status list ids that would evict the cached signed list, request bodies and
 * headers sent a byte at a time, and more connections than the configured cap.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { problemsOf } from "../helpers/config-problems.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { dribble, getOnce, getOnceAnswered, holdConnections } from "../helpers/raw-http.js";

const CLIENT_ID = "svc";
const CLIENT_SECRET = "svc-secret-0123456789abcdef";
const BASIC = `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}`;

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: uniquePrefix(),
    TOKENMINT_CLIENTS: `${CLIENT_ID}:${CLIENT_SECRET}`,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_ISSUER: "http://issuer.local",
    ...extra,
  };
}

async function start(extra: Record<string, string> = {}): Promise<RunningIssuer> {
  return startServer({
    config: parseConfig(environment(extra)),
    logger: createJsonLogger(() => undefined),
  });
}

describe("the Node server on Redis, default limits", () => {
  let server: RunningIssuer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers Basic credentials that do not decode with 401 problem+json, never 500", async () => {
    const undecodable = {
      "a bad % escape in the id": `Basic ${btoa(`%zz:${CLIENT_SECRET}`)}`,
      "a truncated UTF-8 escape in the id": `Basic ${btoa(`%E0%A4%A:${CLIENT_SECRET}`)}`,
      "invalid base64": "Basic a",
      "no colon": `Basic ${btoa(`${CLIENT_ID}${CLIENT_SECRET}`)}`,
    };
    for (const [why, authorization] of Object.entries(undecodable)) {
      const response = await fetch(`${server.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify({ subject: "alice", name: "x", scope: ["read_api"] }),
      });
      expect({ why, status: response.status }).toEqual({ why, status: 401 });
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toBe(
        'Basic realm="tokenmint", charset="UTF-8"',
      );
      expect(await response.json()).toMatchObject({ status: 401, code: "unauthenticated" });
    }
    // The same client, its id percent-encoded as RFC 6749 allows, still authenticates.
    const encoded = await fetch(`${server.url}/v1/tokens?subject=alice`, {
      headers: { authorization: `Basic ${btoa(`%73vc:${CLIENT_SECRET}`)}` },
    });
    expect(encoded.status).toBe(200);
  });

  it("keeps serving the cached signed status list after hundreds of junk list ids", async () => {
    const minted = await fetch(`${server.url}/v1/tokens`, {
      method: "POST",
      headers: { authorization: BASIC, "content-type": "application/json" },
      body: JSON.stringify({ subject: "alice", name: "status", scope: ["read_api"] }),
    });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    const { status } = decodeJwt(token.slice("tmpat_".length)) as {
      status: { status_list: { uri: string } };
    };
    const path = new URL(status.status_list.uri).pathname;
    const list = path.slice(path.lastIndexOf("/") + 1);
    const epoch = list.slice(0, list.indexOf("-"));
    const first = await fetch(`${server.url}${path}`);
    expect(first.status).toBe(200);
    const signed = await first.text();

    // More ids than the 256 lists remembered: junk, well-formed ids of another epoch, and
    // unallocated lists of this epoch. None may take the real list's place.
    const junk = Array.from({ length: 260 }, (_, n) => [
      `junk-${n}`,
      `abcdefghij-${n}`,
      `${epoch}-${1000 + n}`,
    ]).flat();
    for (let i = 0; i < junk.length; i += 30) {
      const answers = await Promise.all(
        junk
          .slice(i, i + 30)
          .map((id) => fetch(`${server.url}/v1/status-lists/${encodeURIComponent(id)}`)),
      );
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.headers.get("content-type")).toBe("application/problem+json");
        await answer.arrayBuffer();
      }
    }
    // ECDSA signatures are randomized: a list signed again would differ.
    expect(await (await fetch(`${server.url}${path}`)).text()).toBe(signed);
  });
});

describe("the Node server's timeouts and connection cap", () => {
  let server: RunningIssuer;
  let host: string;
  beforeAll(async () => {
    server = await start({
      TOKENMINT_HEADERS_TIMEOUT: "1",
      TOKENMINT_REQUEST_TIMEOUT: "2s",
      TOKENMINT_MAX_CONNECTIONS: "3",
    });
    host = new URL(server.url).host;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("closes a connection whose body arrives a byte at a time once the request timeout passes", async () => {
    const { ms, answer } = await dribble(
      server.url,
      `POST /v1/tokens HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${BASIC}\r\n` +
        "Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n{",
      " ",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(4000);
  });

  it("closes a connection whose headers arrive a byte at a time once the headers timeout passes", async () => {
    const { ms, answer } = await dribble(
      server.url,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `,
      "a",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(3000);
  });

  it("refuses connections beyond the cap, and accepts again once one closes", async () => {
    const held = await holdConnections(server.url, 3, "/healthz");
    expect(await getOnce(server.url, "/healthz")).toBe("");
    held[0]?.destroy();
    await held[0]?.closed;
    // The server counts the closed connection once it has seen the close: retried briefly.
    expect(await getOnceAnswered(server.url, "/healthz")).toMatch(/^HTTP\/1\.1 200 /);
    for (const connection of held) connection.destroy();
  });

  it("validates the limits once, at start-up, naming the variable", () => {
    expect(parseConfig(environment()).server).toEqual({
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 30,
      maxConnections: 10000,
    });
    expect(
      problemsOf(
        environment({ TOKENMINT_HEADERS_TIMEOUT: "1m", TOKENMINT_REQUEST_TIMEOUT: "30s" }),
      ),
    ).toEqual(["TOKENMINT_HEADERS_TIMEOUT: must not exceed TOKENMINT_REQUEST_TIMEOUT (30s)"]);
    expect(problemsOf(environment({ TOKENMINT_REQUEST_TIMEOUT: "0" }))).toEqual([
      "TOKENMINT_REQUEST_TIMEOUT: expected a duration from 1s to 1h (seconds or a number with s, m or h)",
    ]);
    expect(problemsOf(environment({ TOKENMINT_MAX_CONNECTIONS: "0" }))).toHaveLength(1);
    expect(problemsOf(environment({ TOKENMINT_MAX_CONNECTIONS: "0" }))[0]).toMatch(
      /^TOKENMINT_MAX_CONNECTIONS: /,
    );
  });
});
