/**
 * Secret scanning and unused-token cleanup on real issuer servers (`startServer`) over HTTP, on
 * the test run's Redis: a signed scanner report revokes a leaked token, and two instances
 * sweeping every 50 ms revoke an unused token exactly once when a shared clock passes the
 * threshold (real time keeps running underneath).
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";

const DAY = 86400;
const CLIENT = { id: "platform", secret: "platform-secret-0123456789" };
const basic = `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`;
const scanner = generateKeyPairSync("ec", { namedCurve: "P-256" });
const SCANNER_ID = "e2e-scanner-key";

let offset = 0;
const clock = () => Date.now() + offset;
const running: RunningIssuer[] = [];
afterAll(async () => {
  await Promise.all(running.map((issuer) => issuer.close()));
});

async function startPair(): Promise<[RunningIssuer, RunningIssuer]> {
  const env = {
    PORT: "0",
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: uniquePrefix(),
    TOKENMINT_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_ISSUER: "http://issuer.local",
    TOKENMINT_REVOKE_UNUSED_AFTER: "10d",
    TOKENMINT_EXPIRY_NOTICES: "1d",
    TOKENMINT_SECRET_SCANNING_KEYS: JSON.stringify({
      public_keys: [
        {
          key_identifier: SCANNER_ID,
          key: scanner.publicKey.export({ type: "spki", format: "pem" }).toString(),
          is_current: true,
        },
      ],
    }),
  };
  const logger = createJsonLogger(() => undefined);
  const start = () =>
    startServer({ config: parseConfig(env), logger, clock, sweepMs: 50, keyMaintenanceMs: 60_000 });
  const first = await start();
  const second = await start();
  running.push(first, second);
  return [first, second];
}

async function mint(issuer: RunningIssuer, name: string): Promise<{ id: string; token: string }> {
  const response = await fetch(`${issuer.url}/v1/tokens`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/json" },
    body: JSON.stringify({ subject: "erin", name, scope: ["read_api"] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

async function active(issuer: RunningIssuer, token: string): Promise<boolean> {
  const response = await fetch(`${issuer.url}/v1/introspect`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active: boolean }).active;
}

async function events(issuer: RunningIssuer, type: string) {
  const response = await fetch(`${issuer.url}/v1/audit?type=${type}`, {
    headers: { authorization: basic },
  });
  return ((await response.json()) as { events: Array<Record<string, unknown>> }).events;
}

describe("leaked and unused tokens on real servers on Redis", () => {
  it("revokes a token reported by a signed secret scanning request", async () => {
    const [first, second] = await startPair();
    const minted = await mint(first, "leaked");
    const body = JSON.stringify([
      {
        token: minted.token,
        type: "tokenmint_pat",
        url: "https://example.test/x",
        source: "content",
      },
    ]);
    const response = await fetch(`${second.url}/v1/secret-scanning`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "GITHUB-PUBLIC-KEY-IDENTIFIER": SCANNER_ID,
        "GITHUB-PUBLIC-KEY-SIGNATURE": sign(
          "sha256",
          Buffer.from(body),
          scanner.privateKey,
        ).toString("base64"),
      },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        token_hash: createHash("sha256").update(minted.token).digest("hex"),
        token_type: "tokenmint_pat",
        label: "true_positive",
      },
    ]);
    expect(await active(first, minted.token)).toBe(false);
    expect(await events(first, "token.leaked")).toHaveLength(1);
  });

  it("revokes a token unused past the threshold once, with one notice, however many instances sweep", async () => {
    const [first] = await startPair();
    const idle = await mint(first, "idle");
    const used = await mint(first, "used");
    // Used halfway, before any sweep can see either token as unused.
    offset += 5 * DAY * 1000;
    expect(await active(first, used.token)).toBe(true);
    offset += (4 * DAY + 60) * 1000;
    await until(async () => (await events(first, "token.expiring")).length > 0);
    offset += DAY * 1000;
    // Watched through the audit stream: introspecting the token would be a use.
    await until(async () => (await events(first, "token.revoked")).length > 0);
    // A few more sweeps of both instances change nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const revoked = await events(first, "token.revoked");
    expect(revoked.map((event) => [event.jti, event.reason])).toEqual([[idle.id, "unused"]]);
    const notices = await events(first, "token.expiring");
    expect(notices.map((event) => [event.jti, event.reason])).toEqual([[idle.id, "unused"]]);
    expect(await active(first, idle.token)).toBe(false);
    expect(await active(first, used.token)).toBe(true);
  });
});

/** Polls `check` every 20 ms until it holds, failing after 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > 10_000) throw new Error("condition not reached in 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
