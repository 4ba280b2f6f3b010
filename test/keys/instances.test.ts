/**
 * Several real issuer servers (`startServer`) on one real Redis, minting all the time while a
 * downstream verifier (`createVerifier`, JWKS and status lists over HTTP from either server)
 * verifies every token: the scheduled rotation is applied by exactly one instance, no live token
 * ever fails, and a revoked key's tokens fail on every instance and at the verifier within the
 * documented bounds (pub/sub; polling when notices are off).
 *
 * The issuers and the verifier share a clock that the test moves forward by an hour to make the
 * rotation due (real time keeps running underneath).
 */
import { randomBytes } from "node:crypto";
import { createVerifier, type Verifier } from "@tokenmint/verifier";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { kidOf } from "./helpers.js";

const ISSUER = "http://issuer.local";
const ADMIN = { id: "ops", secret: "ops-secret-0123456789abcdef" };
const admin = `Basic ${btoa(`${ADMIN.id}:${ADMIN.secret}`)}`;

let offset = 0;
const clock = () => Date.now() + offset;
const running: RunningIssuer[] = [];

afterAll(async () => {
  await Promise.all(running.map((issuer) => issuer.close()));
});

async function mint(issuer: RunningIssuer, subject: string): Promise<string> {
  const response = await fetch(`${issuer.url}/v1/tokens`, {
    method: "POST",
    headers: { authorization: admin, "content-type": "application/json" },
    body: JSON.stringify({ subject, name: "load", scope: ["read_api"], expires_in: 7200 }),
  });
  if (response.status !== 201) throw new Error(`mint: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

async function introspects(issuer: RunningIssuer, token: string): Promise<boolean> {
  const response = await fetch(`${issuer.url}/v1/introspect`, {
    method: "POST",
    headers: { authorization: admin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active: boolean }).active;
}

async function keyStates(issuer: RunningIssuer): Promise<Record<string, string>> {
  const response = await fetch(`${issuer.url}/v1/keys`, { headers: { authorization: admin } });
  const body = (await response.json()) as { keys: { kid: string; state: string }[] };
  return Object.fromEntries(body.keys.map((key) => [key.kid, key.state]));
}

/** Milliseconds until `check` holds (polling every 10 ms), or throws after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

/** A verifier that reads the JWKS and status lists from the servers in turn. */
function verifierOver(
  servers: RunningIssuer[],
  jwksCache: { maxAgeSeconds: number; cooldownSeconds: number },
  counts: { jwks: number },
): Verifier {
  let turn = 0;
  const viaServers = ((input: RequestInfo | URL, init?: RequestInit) => {
    const server = servers[turn++ % servers.length] as RunningIssuer;
    const url = String(input).replace(ISSUER, server.url);
    if (url.endsWith("/.well-known/jwks.json")) counts.jwks += 1;
    return fetch(url, init);
  }) as typeof fetch;
  return createVerifier({
    issuer: ISSUER,
    audience: ISSUER,
    jwksUri: `${ISSUER}/.well-known/jwks.json`,
    fetch: viaServers,
    now: clock,
    jwksCache,
    cache: false,
  });
}

describe("several issuer instances on one Redis", () => {
  it("rotate while minting with zero verification failures, and revoke a key everywhere within the bounds", async () => {
    const env = {
      PORT: "0",
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: uniquePrefix(),
      TOKENMINT_CLIENTS: `${ADMIN.id}:${ADMIN.secret}`,
      TOKENMINT_ADMIN_CLIENTS: ADMIN.id,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_ISSUER: ISSUER,
      TOKENMINT_KEY_ROTATION_PERIOD: "1h",
      TOKENMINT_KEY_PREPUBLICATION: "335s",
    };
    const config = parseConfig(env);
    const logger = createJsonLogger(() => {});
    const start = (extra: Partial<Parameters<typeof startServer>[0]> = {}) =>
      startServer({ config, logger, clock, keyMaintenanceMs: 50, ...extra }).then((issuer) => {
        running.push(issuer);
        return issuer;
      });
    const a = await start();
    const b = await start();
    // A third instance without pub/sub, re-reading its keyring every 300 ms: the fallback bound.
    const polling = await start({ keyChangeNotices: false, keyRefreshMs: 300 });
    const servers = [a, b, polling];

    const initial = await keyStates(a);
    const k1 = Object.keys(initial).find((kid) => initial[kid] === "active")!;
    const k2 = Object.keys(initial).find((kid) => initial[kid] === "next")!;

    // A verifier that fetches the JWKS once and then never again: it can only accept the promoted
    // key because that key was published before it signed.
    const once = { jwks: 0 };
    const pinned = verifierOver(servers, { maxAgeSeconds: 1e6, cooldownSeconds: 1e6 }, once);

    const live: string[] = [];
    const failures: string[] = [];
    const kids = new Set<string>();
    let minting = true;
    const minter = async (issuer: RunningIssuer, n: number) => {
      for (let i = 0; minting; i++) {
        const token = await mint(issuer, `user-${n}-${i % 10}`);
        kids.add(kidOf(token));
        live.push(token);
        await pinned.verify(token).catch((error: Error) => failures.push(`new ${error.message}`));
      }
    };
    const reverifier = async () => {
      while (minting) {
        for (const token of live.slice(-40)) {
          await pinned.verify(token).catch((error: Error) => failures.push(`old ${error.message}`));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const load = Promise.all([minter(a, 1), minter(b, 2), minter(polling, 3), reverifier()]);
    await new Promise((resolve) => setTimeout(resolve, 300));

    offset += 3600_000; // the active key has now signed for the rotation period
    await within(3000, async () => (await keyStates(b))[k2] === "active");
    // Enough load on both sides of the promotion, however slow the machine is today.
    await within(15000, async () => kids.has(k2) && live.length > 30);
    minting = false;
    await load;

    expect(failures).toEqual([]);
    expect(once.jwks).toBe(1);
    expect(kids).toEqual(new Set([k1, k2]));
    expect(live.length).toBeGreaterThan(30);
    for (const issuer of servers) expect(kidOf(await mint(issuer, "after"))).toBe(k2);
    const audit = await a.context.store.readAudit({ count: 1000 });
    const activations = audit.filter((event) => event.type === "key.activated");
    expect(activations.map((event) => [event.detail?.kid, event.actor])).toEqual([
      [k2, "system:key-rotation"],
    ]);
    expect((await keyStates(polling))[k1]).toBe("retired");

    // Emergency: revoke the active key. The other instances stop accepting its tokens at once
    // (pub/sub) or within the polling bound; a verifier within its JWKS max age (+ cooldown).
    const counts = { jwks: 0 };
    const quick = verifierOver(servers, { maxAgeSeconds: 1, cooldownSeconds: 0.5 }, counts);
    const doomed = await mint(b, "victim");
    await quick.verify(doomed);
    const revoked = await fetch(`${a.url}/v1/keys/${k2}/revoke`, {
      method: "POST",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ reason: "drill" }),
    });
    expect(revoked.status).toBe(200);
    const viaPubSub = await within(1000, async () => !(await introspects(b, doomed)));
    const viaPolling = await within(1500, async () => !(await introspects(polling, doomed)));
    expect(viaPubSub).toBeLessThan(500);
    expect(viaPolling).toBeLessThan(300 + 500);
    const bearer = await fetch(`${b.url}/v1/tokens`, {
      headers: { authorization: `Bearer ${doomed}` },
    });
    expect(bearer.status).toBe(401);
    const atVerifier = await within(1000 + 500 + 1000, async () =>
      quick.verify(doomed).then(
        () => false,
        (error: { code?: string }) => error.code === "key_unknown",
      ),
    );
    expect(atVerifier).toBeLessThan(1000 + 500 + 500);
    // Every instance signs with the promoted key; the verifier knows it (published an hour ago).
    for (const issuer of servers) {
      const token = await mint(issuer, "fresh");
      expect(kidOf(token)).not.toBe(k2);
      expect((await quick.verify(token)).sub).toBe("fresh");
    }
  });
});
