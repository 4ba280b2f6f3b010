/**
 * The real Node server on Redis for the authorization tests: a small HTTP client around it that
 * mints as the service client and acts with bearer tokens over real sockets.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";

export const PREFIX = "tmpat_";
export const CLIENT_AUTH = `Basic ${btoa("svc:svc-secret-0123456789abcdef")}`;
export const AUDIENCES = ["https://api.test", "https://registry.test"];

/** A JSON answer: status and body. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A running issuer and the calls the tests make. */
export interface LiveIssuer {
  readonly url: string;
  readonly env: Record<string, string>;
  /** Any request; JSON bodies are sent and read as JSON. */
  call(method: string, path: string, auth: string | undefined, body?: unknown): Promise<Answer>;
  /** Mints as the service client; throws unless 201. */
  mint(
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { token: string; id: string }>;
  /** The stored view of a token, read as the service client. */
  show(id: string): Promise<Record<string, unknown>>;
  /** RFC 7662 introspection as the service client. */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** The audit events of one token, as the service client reads them. */
  audit(jti: string): Promise<unknown[]>;
  close(): Promise<void>;
}

/** The bearer header of a token. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/**
 * The claims of a token of any kind (signature already checked by the issuer that handed it out):
 * the JWS starts at its header, `eyJ`, whatever the prefix.
 */
export function claimsOf(token: string): Record<string, unknown> & { iat: number; exp?: number } {
  return decodeJwt(token.slice(token.indexOf("eyJ"))) as Record<string, unknown> & {
    iat: number;
    exp?: number;
  };
}

/** Starts the real server on the test run's Redis with `env` on top of a test configuration. */
export async function startLiveIssuer(env: Record<string, string> = {}): Promise<LiveIssuer> {
  const fullEnv = {
    PORT: "0",
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: uniquePrefix(),
    TOKENMINT_CLIENTS: "svc:svc-secret-0123456789abcdef",
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_ISSUER: "http://issuer.local",
    TOKENMINT_AUDIENCE: AUDIENCES.join(","),
    TOKENMINT_MINT_RATE_PER_SUBJECT: "100000",
    TOKENMINT_MINT_RATE_PER_CLIENT: "100000",
    ...env,
  };
  const server: RunningIssuer = await startServer({
    config: parseConfig(fullEnv),
    logger: createJsonLogger(() => undefined),
  });
  const call = async (method: string, path: string, auth: string | undefined, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (auth !== undefined) headers.authorization = auth;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  return {
    url: server.url,
    env: fullEnv,
    call,
    async mint(body) {
      const answer = await call("POST", "/v1/tokens", CLIENT_AUTH, body);
      if (answer.status !== 201)
        throw new Error(`mint: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body as Record<string, unknown> & { token: string; id: string };
    },
    async show(id) {
      return (await call("GET", `/v1/tokens/${id}`, CLIENT_AUTH)).body;
    },
    async introspect(token) {
      const response = await fetch(`${server.url}/v1/introspect`, {
        method: "POST",
        headers: {
          authorization: CLIENT_AUTH,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ token }),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    async audit(jti) {
      const answer = await call("GET", "/v1/audit?limit=500", CLIENT_AUTH);
      const events = (answer.body.events ?? []) as Array<{ jti?: string }>;
      return events.filter((event) => event.jti === jti);
    },
    close: () => server.close(),
  };
}
