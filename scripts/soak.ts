/**
 * Soak run (not part of `npm test`): a few minutes of mixed mint, verify, introspect, revoke and
 * rotate against the real Node server (a child process) on real Redis, then every token's final
 * state is checked against the log of what was done: zero lost revocations, zero wrong answers,
 * and the server's resident memory is compared between the first and the last third of the run.
 *
 *   npm run soak -- --seconds 180 [--redis redis://127.0.0.1:6379] [--concurrency 16]
 *
 * Traffic goes only to the loopback server this script starts; loops are bounded in time.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createVerifier } from "@tokenmint/verifier";
import { freePort, startRedisServer } from "../test/helpers/redis-server.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "180" },
    redis: { type: "string" },
    concurrency: { type: "string", default: "16" },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const ownRedis = values.redis ? undefined : await startRedisServer();
const redisUrl = values.redis ?? (ownRedis?.url as string);
const port = await freePort();
const issuerUrl = `http://127.0.0.1:${port}`;
const secret = randomBytes(24).toString("base64url");
const env = {
  PATH: process.env.PATH ?? "",
  PORT: String(port),
  TOKENMINT_ISSUER: issuerUrl,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: `soak${Date.now()}:`,
  TOKENMINT_CLIENTS: `soak:${secret}`,
  TOKENMINT_KEK: randomBytes(32).toString("base64url"),
  TOKENMINT_AUDIENCE: "https://api.test",
  TOKENMINT_MINT_RATE_PER_SUBJECT: "1000000",
  TOKENMINT_MINT_RATE_PER_CLIENT: "1000000",
  TOKENMINT_MAX_TOKENS_PER_SUBJECT: "100000",
  TOKENMINT_STATUS_LIST_TTL: "5",
};
const server = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
  env,
  stdio: ["ignore", "ignore", "pipe"],
});
await new Promise<void>((resolve, reject) => {
  let banner = "";
  server.stderr.on("data", (chunk) => {
    banner += String(chunk);
    if (banner.includes("listening on")) resolve();
  });
  server.once("exit", (code) => reject(new Error(`server exited ${code}: ${banner}`)));
});
function serverRssBytes(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
const auth = `Basic ${btoa(`soak:${secret}`)}`;
const verifier = createVerifier({ issuer: issuerUrl, audience: "https://api.test", cache: false });

/** Settled states, and "pending" while a revoke or rotation is in flight. */
type Expected = "active" | "revoked" | "rotated" | "pending";
const expected = new Map<string, { token: string; state: Expected }>();
const counts = { mint: 0, verify: 0, introspect: 0, revoke: 0, rotate: 0, wrong: 0, errors: 0 };
const wrong: string[] = [];

async function mint(): Promise<void> {
  const response = await fetch(`${issuerUrl}/v1/tokens`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify({
      subject: `u${counts.mint % 50}`,
      name: "soak",
      scope: ["read_api", "manage_tokens"],
      expires_in: 3600,
    }),
  });
  if (response.status !== 201) throw new Error(`mint ${response.status}`);
  const { id, token } = (await response.json()) as { id: string; token: string };
  expected.set(id, { token, state: "active" });
  counts.mint++;
}

function pick(state: Expected): [string, { token: string; state: Expected }] | undefined {
  const entries = [...expected.entries()].filter(([, value]) => value.state === state);
  return entries[Math.floor(Math.random() * entries.length)];
}

async function introspect(token: string): Promise<boolean> {
  const response = await fetch(`${issuerUrl}/v1/introspect`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  if (response.status !== 200) throw new Error(`introspect ${response.status}`);
  return ((await response.json()) as { active: boolean }).active;
}

async function step(): Promise<void> {
  const roll = Math.random();
  if (roll < 0.25 || expected.size < 20) return mint();
  if (roll < 0.45) {
    const live = pick("active");
    if (!live) return;
    await verifier.verify(live[1].token); // throws if it fails: a wrong answer for a live token
    counts.verify++;
    return;
  }
  if (roll < 0.7) {
    const any = [...expected.entries()][Math.floor(Math.random() * expected.size)];
    // A rotated token is not presented (that is reuse: it revokes the family on purpose).
    if (!any || any[1].state === "rotated" || any[1].state === "pending") return;
    const before = any[1].state;
    const active = await introspect(any[1].token);
    counts.introspect++;
    // Only an answer about a state that was settled for the whole call can be judged.
    if (any[1].state === before && active !== (before === "active")) {
      counts.wrong++;
      wrong.push(`introspect ${any[0]}: expected ${before}, got active=${active}`);
    }
    return;
  }
  if (roll < 0.85) {
    const live = pick("active");
    if (!live) return;
    live[1].state = "pending";
    const response = await fetch(`${issuerUrl}/v1/tokens/${live[0]}`, {
      method: "DELETE",
      headers: { authorization: auth },
    });
    if (response.status !== 204) throw new Error(`revoke ${response.status}`);
    live[1].state = "revoked";
    counts.revoke++;
    return;
  }
  const live = pick("active");
  if (!live) return;
  live[1].state = "pending";
  const response = await fetch(`${issuerUrl}/v1/tokens/${live[0]}/rotate`, {
    method: "POST",
    headers: { authorization: auth },
  });
  if (response.status !== 201) throw new Error(`rotate ${response.status}`);
  live[1].state = "rotated";
  const { id, token } = (await response.json()) as { id: string; token: string };
  expected.set(id, { token, state: "active" });
  counts.rotate++;
}

const rss: number[] = [];
const started = Date.now();
const deadline = started + seconds * 1000;
const sampler = setInterval(() => rss.push(serverRssBytes()), 1000);
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      try {
        await step();
      } catch (error) {
        counts.errors++;
        if (counts.errors < 10) console.error((error as Error).message);
      }
    }
  }),
);
clearInterval(sampler);

// Final check: every token's state as the issuer reports it equals what the log says.
let lostRevocations = 0;
for (const [id, { token, state }] of expected) {
  if (state === "rotated" || state === "pending") continue;
  const active = await introspect(token);
  if (state === "revoked" && active) lostRevocations++;
  if (state === "active" && !active) wrong.push(`final ${id}: live token reported inactive`);
}
const third = Math.max(1, Math.floor(rss.length / 3));
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const firstRss = average(rss.slice(0, third));
const lastRss = average(rss.slice(-third));
const report = {
  seconds,
  concurrency,
  ...counts,
  tokens: expected.size,
  lostRevocations,
  wrongAnswers: wrong.length,
  serverRssFirstThirdMiB: +(firstRss / 2 ** 20).toFixed(1),
  serverRssLastThirdMiB: +(lastRss / 2 ** 20).toFixed(1),
  serverRssRatio: +(lastRss / firstRss).toFixed(2),
};
console.log(JSON.stringify(report, null, 2));
for (const line of wrong.slice(0, 20)) console.error(line);
server.kill("SIGTERM");
await ownRedis?.stop();
process.exit(lostRevocations === 0 && wrong.length === 0 && counts.errors === 0 ? 0 : 1);
