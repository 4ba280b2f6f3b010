/**
 * tokenmint on a real local Redis Cluster (six nodes, three primaries with a replica each): the
 * store contract unchanged, and an end-to-end run of two Node issuers on `REDIS_CLUSTER_NODES`
 * (mint, revoke, introspect, status list, key rotation and revocation seen through pub/sub).
 * Shows that every script stays within one hash tag and that the data spreads over the primaries.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { startServer } from "../../src/node/start-server.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { kidOf } from "../keys/helpers.js";
import { defineStoreContract } from "../store/contract-suite.js";
import { type RedisCluster, startRedisCluster } from "./redis-cluster.js";

const run = promisify(execFile);
const CLIENT = { id: "svc", secret: "svc-secret-0123456789abcdef" };
const auth = `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`;

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

describe("the Redis Cluster store", () => {
  defineStoreContract(() =>
    createRedisStore({ clusterNodes: cluster.nodes, prefix: uniquePrefix(), timeoutMs: 2000 }),
  );
});

describe("two issuers on a Redis Cluster", () => {
  it("mint, revoke and introspect end to end; key changes reach the other instance", async () => {
    const prefix = uniquePrefix();
    const config = parseConfig({
      PORT: "0",
      REDIS_CLUSTER_NODES: cluster.spec,
      REDIS_PREFIX: prefix,
      TOKENMINT_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
      TOKENMINT_ADMIN_CLIENTS: CLIENT.id,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_ISSUER: "http://issuer.local",
      TOKENMINT_STATUS_LIST_SIZE: "64",
    });
    const logger = createJsonLogger(() => {});
    const a = await startServer({ config, logger });
    const b = await startServer({ config, logger });
    try {
      const post = (url: string, body: unknown) =>
        fetch(url, {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const mint = async (issuer: typeof a, subject: string) => {
        const response = await post(`${issuer.url}/v1/tokens`, {
          subject,
          name: "cluster",
          scope: ["read_api"],
        });
        expect(response.status).toBe(201);
        return (await response.json()) as { token: string; id: string; status_list?: unknown };
      };
      const introspect = async (issuer: typeof a, token: string) =>
        (
          (await (
            await fetch(`${issuer.url}/v1/introspect`, {
              method: "POST",
              headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
              body: new URLSearchParams({ token }),
            })
          ).json()) as { active: boolean }
        ).active;

      const tokens = await Promise.all(
        Array.from({ length: 12 }, (_, i) => mint(i % 2 ? a : b, `user-${i}`)),
      );
      const [first, second] = tokens as [(typeof tokens)[0], (typeof tokens)[0]];
      expect(await introspect(b, first.token)).toBe(true);
      const revoke = await fetch(`${b.url}/v1/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: first.token }),
      });
      expect(revoke.status).toBe(200);
      expect(await introspect(a, first.token)).toBe(false);
      expect(await introspect(a, second.token)).toBe(true);
      const list = await fetch(
        `${a.url}/v1/status-lists/${(await a.context.store.getToken(first.id))!.record.status.list}`,
      );
      expect(list.status).toBe(200);

      // Key changes: rotate on one instance, revoke on the other; pub/sub crosses the cluster.
      const k1 = kidOf(second.token);
      const rotated = await post(`${b.url}/v1/keys/rotate`, { force: true });
      expect(rotated.status).toBe(200);
      const k2 = kidOf((await mint(a, "after-rotation")).token);
      expect(k2).not.toBe(k1);
      const doomed = (await mint(a, "victim")).token;
      expect((await post(`${b.url}/v1/keys/${k2}/revoke`, {})).status).toBe(200);
      const started = Date.now();
      while (await introspect(a, doomed)) {
        expect(Date.now() - started).toBeLessThan(1000);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await introspect(a, second.token)).toBe(true);
      expect(kidOf((await mint(a, "fresh")).token)).not.toBe(k2);

      // The data spreads over the primaries (no layout puts everything in one slot).
      const primaries = [];
      for (const { port } of cluster.nodes) {
        const { stdout } = await run("redis-cli", ["-p", String(port), "role"]);
        if (stdout.startsWith("master")) {
          const { stdout: keys } = await run("redis-cli", [
            "-p",
            String(port),
            "--scan",
            "--pattern",
            `${prefix}*`,
          ]);
          primaries.push(keys.split("\n").filter(Boolean).length);
        }
      }
      expect(primaries).toHaveLength(3);
      expect(primaries.every((count) => count > 0)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
