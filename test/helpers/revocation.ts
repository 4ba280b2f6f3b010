/**
 * Helpers of the durability tests: revoke and introspect over HTTP, the 503 `store_not_durable`
 * answer, polling, and the server's command counters.
 */
import type { Redis } from "ioredis";
import { expect } from "vitest";
import { form, type TestIssuer } from "./issuer.js";

/** Polls `check` every 50 ms until it holds. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  ms = 20000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `POST /v1/revoke` (RFC 7009). */
export async function revoke(issuer: TestIssuer, token: string): Promise<Response> {
  return issuer.request("/v1/revoke", form({ token }));
}

/** `POST /v1/introspect`; only a 200 counts. */
export async function introspect(issuer: TestIssuer, token: string): Promise<boolean> {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  if (response.status !== 200) throw new Error(`introspection answered ${response.status}`);
  return ((await response.json()) as { active: boolean }).active;
}

/** Asserts a 503 `store_not_durable` problem with `Retry-After`. */
export async function expectNotDurable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.headers.get("retry-after")).toBe("1");
  expect(((await response.json()) as { code: string }).code).toBe("store_not_durable");
}

/** Calls the server counted (`INFO commandstats`), by command. */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.info("commandstats")).matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) {
    calls.set(match[1] as string, Number(match[2]));
  }
  return calls;
}
