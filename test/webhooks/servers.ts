/**
 * Real issuer servers (`startServer`, the production Node entry) on the test run's Redis, with
 * webhook delivery ticking fast, for the delivery tests.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";

export const ADMIN = { id: "ops", secret: "ops-secret-0123456789abcdef" };
export const admin = `Basic ${btoa(`${ADMIN.id}:${ADMIN.secret}`)}`;

/** The environment several instances of one deployment share. */
export function deploymentEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: uniquePrefix(),
    TOKENMINT_ISSUER: "http://issuer.local",
    TOKENMINT_CLIENTS: `${ADMIN.id}:${ADMIN.secret}`,
    TOKENMINT_ADMIN_CLIENTS: ADMIN.id,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true",
    TOKENMINT_WEBHOOKS_RETRY_BASE: "1s",
    ...extra,
  };
}

/** Starts one instance; `logs` collects its log lines. */
export async function startInstance(
  env: Record<string, string>,
  logs: string[] = [],
  webhooks = { tickMs: 50, reclaimAfterMs: 1000 },
): Promise<RunningIssuer> {
  return startServer({
    config: parseConfig(env),
    logger: createJsonLogger((line) => logs.push(line)),
    webhooks,
  });
}

/** Mints a token on `issuer` and returns its id. */
export async function mint(issuer: RunningIssuer, subject: string): Promise<string> {
  const response = await fetch(`${issuer.url}/v1/tokens`, {
    method: "POST",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify({ subject, name: "ci", scope: ["read_api"], org: "acme" }),
  });
  if (response.status !== 201) throw new Error(`mint: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Revokes a token through `DELETE /v1/tokens/{id}`. */
export async function revoke(issuer: RunningIssuer, id: string): Promise<void> {
  const response = await fetch(`${issuer.url}/v1/tokens/${id}`, {
    method: "DELETE",
    headers: { authorization: admin },
  });
  if (response.status !== 204) throw new Error(`revoke: ${response.status}`);
}

/** Calls the admin API of `issuer`. */
export async function adminCall(
  issuer: RunningIssuer,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${issuer.url}${path}`, {
    method,
    headers: {
      authorization: admin,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
