/**
 * An acknowledged revocation survives a failover. A real primary, a real replica whose replication
 * link runs through a proxy the test can hold, and a real sentinel (`redis-server --sentinel`, the
 * binary Debian's `redis-sentinel` links to): with the link held a revocation answers 503
 * `store_not_durable`, never 200; after the primary is killed and the replica promoted, every
 * revocation that was answered 200 is still in force. A control write made without waiting is
 * lost the same way, which shows the held link really loses what it holds. Also: a lone primary
 * costs no `WAIT` and no extra command per revocation.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { TokenStatus } from "../../src/store/types.js";
import { createTestIssuer, uniquePrefix } from "../helpers/issuer.js";
import { type LinkProxy, startLinkProxy } from "../helpers/link-proxy.js";
import { freePort, type RedisProcess, startRedisServer } from "../helpers/redis-server.js";
import {
  commandCalls,
  expectNotDurable,
  introspect,
  revoke,
  until,
} from "../helpers/revocation.js";

describe("a primary, a replica behind a holdable link, and a sentinel", () => {
  let primary: RedisProcess;
  let replica: RedisProcess;
  let proxy: LinkProxy;
  let sentinel: ChildProcess;
  let sentinelPort: number;
  let directory: string;
  let sentinelLog = "";

  beforeAll(async () => {
    primary = await startRedisServer();
    proxy = await startLinkProxy(primary.port);
    replica = await startRedisServer(undefined, ["--replicaof", "127.0.0.1", String(proxy.port)]);
    const probe = new Redis(replica.port, "127.0.0.1", { lazyConnect: true });
    await probe.connect();
    await until("the replica's link", async () =>
      (await probe.info("replication")).includes("master_link_status:up"),
    );
    probe.disconnect();
    sentinelPort = await freePort();
    directory = mkdtempSync(join(tmpdir(), "tokenmint-durable-"));
    const file = join(directory, "sentinel.conf");
    writeFileSync(
      file,
      [
        `port ${sentinelPort}`,
        "bind 127.0.0.1",
        `dir ${directory}`,
        `sentinel monitor tm 127.0.0.1 ${primary.port} 1`,
        "sentinel down-after-milliseconds tm 1000",
        "sentinel failover-timeout tm 10000",
        "",
      ].join("\n"),
    );
    sentinel = spawn("redis-server", [file, "--sentinel"], { stdio: ["ignore", "pipe", "pipe"] });
    sentinel.stdout?.on("data", (chunk) => {
      sentinelLog += String(chunk);
    });
    // The sentinel must know the replica before it can promote it.
    await until("the sentinel to find the replica", async () => sentinelLog.includes("+slave "));
  });

  afterAll(async () => {
    if (sentinel && sentinel.exitCode === null) {
      await new Promise<void>((resolve) => {
        sentinel.once("exit", () => resolve());
        sentinel.kill("SIGTERM");
      });
    }
    await proxy?.drop();
    await replica?.stop();
    await primary?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it("answers 503 store_not_durable while the link is held, and keeps every 200 through a failover", async () => {
    const prefix = uniquePrefix();
    const target = { sentinels: [{ host: "127.0.0.1", port: sentinelPort }], sentinelName: "tm" };
    const store = createRedisStore({ ...target, prefix, timeoutMs: 1500, waitTimeoutMs: 300 });
    // The control: the same keys, written without waiting (what every revocation did before).
    const unwaited = createRedisStore({ ...target, prefix, timeoutMs: 1500, waitReplicas: 0 });
    const issuer = await createTestIssuer({ store });
    await unwaited.open(issuer.config.statusList.size);
    try {
      const acknowledged = await issuer.mint();
      const refused = await issuer.mint();
      const control = await issuer.mint();
      const mass = [await issuer.mint({ subject: "bob" }), await issuer.mint({ subject: "bob" })];

      expect((await revoke(issuer, acknowledged.token)).status).toBe(200);
      const all = await issuer.request("/v1/tokens/revoke-all", {
        method: "POST",
        headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
        body: JSON.stringify({ subject: "bob" }),
      });
      expect(all.status).toBe(200);

      proxy.hold();
      await expectNotDurable(await revoke(issuer, refused.token));
      // The retry finds the token revoked on the primary, writes again, and still may not say 200.
      await expectNotDurable(await revoke(issuer, refused.token));
      const stored = await unwaited.getToken(control.id);
      if (!stored) throw new Error("no control record");
      await unwaited.setStatus(stored.record.status, TokenStatus.revoked);
      await unwaited.setTokenState(stored.record, "revoked", Math.floor(Date.now() / 1000));
      expect(await introspect(issuer, control.token)).toBe(false);

      await primary.kill();
      await proxy.drop();
      await until(
        "the sentinel to promote the replica",
        async () => sentinelLog.includes("+switch-master"),
        30000,
      );
      await until("the issuer to reach the new primary", async () => {
        await introspect(issuer, acknowledged.token);
        return true;
      });

      expect(await introspect(issuer, acknowledged.token)).toBe(false);
      const kept = await store.getToken(acknowledged.id);
      expect(kept?.state).toBe("revoked");
      expect(await store.getStatus(stored.record.status)).toBe(TokenStatus.valid);
      for (const token of mass) expect(await introspect(issuer, token.token)).toBe(false);
      // What was written without a replica's acknowledgement did not survive: the harness bites.
      expect(await introspect(issuer, control.token)).toBe(true);
      // The refused revocation is simply retried against the new primary (now alone).
      expect((await revoke(issuer, refused.token)).status).toBe(200);
      expect(await introspect(issuer, refused.token)).toBe(false);
    } finally {
      await unwaited.close();
      await store.close();
    }
  }, 90000);
});

describe("a lone primary", () => {
  let server: RedisProcess;
  let admin: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    admin = new Redis(server.port, "127.0.0.1");
  });

  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it("sends no WAIT and no extra command per revocation by default", async () => {
    const run = async (waitReplicas: "auto" | 0) => {
      const store = createRedisStore({ url: server.url, prefix: uniquePrefix(), waitReplicas });
      const issuer = await createTestIssuer({ store });
      const tokens = [];
      for (let i = 0; i < 20; i++) tokens.push((await issuer.mint({ name: `t${i}` })).token);
      // One revocation first: `auto` reads the replica count once, before its first such write.
      expect((await revoke(issuer, tokens.pop() as string)).status).toBe(200);
      const before = await commandCalls(admin);
      for (const token of tokens) expect((await revoke(issuer, token)).status).toBe(200);
      const after = await commandCalls(admin);
      await store.close();
      const total = (calls: Map<string, number>) =>
        [...calls].filter(([name]) => name !== "info").reduce((sum, [, n]) => sum + n, 0);
      return {
        commands: total(after) - total(before),
        waits: (after.get("wait") ?? 0) - (before.get("wait") ?? 0),
      };
    };
    const auto = await run("auto");
    const never = await run(0);
    expect(auto.waits).toBe(0);
    expect(never.waits).toBe(0);
    expect(auto.commands).toBe(never.commands);
    expect((await commandCalls(admin)).get("wait")).toBeUndefined();
  });

  it("answers 503 store_not_durable when more replicas are required than answer", async () => {
    const store = createRedisStore({
      url: server.url,
      prefix: uniquePrefix(),
      waitReplicas: 1,
      waitTimeoutMs: 100,
    });
    const issuer = await createTestIssuer({ store });
    try {
      const { token, id } = await issuer.mint();
      await expectNotDurable(await revoke(issuer, token));
      const suspend = await issuer.request(`/v1/tokens/${id}/suspend`, {
        method: "POST",
        headers: { authorization: issuer.clientAuth },
      });
      expect(suspend.status).toBe(503);
      // A mint is not revocation-class: it does not wait.
      expect((await issuer.mint()).token).toMatch(/^tmpat_/);
      expect((await commandCalls(admin)).get("wait")).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe("REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT_MS", () => {
  const base = { TOKENMINT_CLIENTS: "svc:svc-secret-0123456789abcdef" };

  it("default to auto and 1000 ms (at most half of REDIS_TIMEOUT_MS), and take a count", () => {
    const config = parseConfig(base);
    expect(config.redisWaitReplicas).toBe("auto");
    expect(config.redisWaitTimeoutMs).toBe(1000);
    const two = parseConfig({ ...base, REDIS_WAIT_REPLICAS: "2", REDIS_WAIT_TIMEOUT_MS: "250" });
    expect(two.redisWaitReplicas).toBe(2);
    expect(two.redisWaitTimeoutMs).toBe(250);
    // A short REDIS_TIMEOUT_MS shortens the default wait with it.
    expect(parseConfig({ ...base, REDIS_TIMEOUT_MS: "300" }).redisWaitTimeoutMs).toBe(150);
  });

  it("refuse a timeout not below REDIS_TIMEOUT_MS, and anything but auto or a count", () => {
    expect(() => parseConfig({ ...base, REDIS_WAIT_TIMEOUT_MS: "2000" })).toThrow(
      /REDIS_WAIT_TIMEOUT_MS: must be below REDIS_TIMEOUT_MS/,
    );
    expect(() => parseConfig({ ...base, REDIS_WAIT_REPLICAS: "all" })).toThrow(
      /REDIS_WAIT_REPLICAS/,
    );
    expect(() => parseConfig({ ...base, REDIS_WAIT_REPLICAS: "-1" })).toThrow(
      /REDIS_WAIT_REPLICAS/,
    );
  });
});
