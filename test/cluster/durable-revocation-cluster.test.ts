/**
 * An acknowledged revocation survives a Redis Cluster failover. On the local six-node cluster,
 * the primary that holds the tokens' status list announces the port of a proxy, so its replica's
 * replication link runs through it (clients pass untouched); with that link held a revocation
 * answers 503 `store_not_durable`; after the primary is killed and its replica takes over, the
 * revocation answered 200 is still in force, while a status bit written without waiting is gone.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keySlot } from "../../src/store/key-slot.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { type Store, TokenStatus } from "../../src/store/types.js";
import { createTestIssuer, uniquePrefix } from "../helpers/issuer.js";
import { type LinkProxy, startLinkProxy } from "../helpers/link-proxy.js";
import { expectNotDurable, introspect, revoke, until } from "../helpers/revocation.js";
import { type RedisCluster, startRedisCluster } from "./redis-cluster.js";

type SlotRange = [number, number, ...[string, number, string?][]];

let cluster: RedisCluster;
let proxy: LinkProxy | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // Every primary lists its replica in the slot map before a store reads it.
  const node = new Redis(cluster.nodes[0]?.port ?? 0, "127.0.0.1");
  try {
    await until("the slot map to list every replica", async () => {
      const ranges = (await node.cluster("SLOTS")) as unknown as SlotRange[];
      return ranges.every((range) => range.length >= 4);
    });
  } finally {
    node.disconnect();
  }
});

afterAll(async () => {
  await proxy?.drop();
  await cluster?.stop();
});

describe("a Redis Cluster whose primary loses a write its replica never received", () => {
  it("computes slots as the cluster does", async () => {
    const node = new Redis(cluster.nodes[0]?.port ?? 0, "127.0.0.1");
    try {
      for (const key of ["foo", "tm:tok:{abc}", "{}x", "a{b}c{d}", "héllo", "tm:sl:{e1.0}"]) {
        expect(keySlot(key)).toBe(await node.cluster("KEYSLOT", key));
      }
    } finally {
      node.disconnect();
    }
  });

  it("answers 503 while the link is held, and keeps every 200 through the failover", async () => {
    const prefix = uniquePrefix();
    const clusterNodes = cluster.nodes;
    const env = { TOKENMINT_KEK: randomBytes(32).toString("base64url") };
    // Tokens are minted first, to learn which primary holds their status list; the store under
    // test connects once that primary's replica links through the proxy (it reads the slot map,
    // which lists a replica only once it has synchronized).
    const unwaited = createRedisStore({ clusterNodes, prefix, timeoutMs: 1500, waitReplicas: 0 });
    const minter = await createTestIssuer({ store: unwaited, env });
    const probes: Redis[] = [];
    let store: Store | undefined;
    try {
      const acknowledged = await minter.mint();
      const refused = await minter.mint();
      const control = await minter.mint();
      const [first, , third] = await Promise.all(
        [acknowledged, refused, control].map(async ({ id }) => {
          const stored = await unwaited.getToken(id);
          if (!stored) throw new Error("no record");
          return stored.record.status;
        }),
      );
      if (!first || !third) throw new Error("no status");
      expect(third.list).toBe(first.list);

      // The primary owning the status list, and its replica.
      const any = new Redis(clusterNodes[0]?.port ?? 0, "127.0.0.1");
      probes.push(any);
      const slot = keySlot(`${prefix}sl:{${first.list}}`);
      const rangeOf = async (node: Redis) =>
        ((await node.cluster("SLOTS")) as unknown as SlotRange[]).find(
          ([from, to]) => from <= slot && slot <= to,
        );
      const range = await rangeOf(any);
      const primaryPort = range?.[2]?.[1] as number;
      const replicaPort = range?.[3]?.[1] as number;
      expect(replicaPort).toBeGreaterThan(0);

      // The primary announces the proxy's port: its replica follows, and links through the proxy.
      const link = await startLinkProxy(primaryPort);
      proxy = link;
      const primary = new Redis(primaryPort, "127.0.0.1");
      const replica = new Redis(replicaPort, "127.0.0.1");
      probes.push(primary, replica);
      // The primary is killed below: its probe's reconnection errors are expected.
      primary.on("error", () => {});
      await primary.config("SET", "cluster-announce-bus-port", String(primaryPort + 10000));
      await primary.config("SET", "cluster-announce-port", String(link.port));
      await until("the replica to link through the proxy", async () => {
        const info = await replica.info("replication");
        const listed = await rangeOf(any);
        return (
          info.includes(`master_port:${link.port}`) &&
          info.includes("master_link_status:up") &&
          link.replicationLinks() > 0 &&
          listed?.[2]?.[1] === link.port &&
          listed?.[3]?.[1] === replicaPort
        );
      });

      store = createRedisStore({ clusterNodes, prefix, timeoutMs: 1500, waitTimeoutMs: 300 });
      const issuer = await createTestIssuer({ store, env });
      expect((await revoke(issuer, acknowledged.token)).status).toBe(200);

      link.hold();
      await expectNotDurable(await revoke(issuer, refused.token));
      await unwaited.setStatus(third, TokenStatus.revoked);
      expect(await unwaited.getStatus(third)).toBe(TokenStatus.revoked);

      await cluster.kill(primaryPort);
      await link.drop();
      await until(
        "the replica to take over",
        async () => (await replica.info("replication")).includes("role:master"),
        30000,
      );
      await until("the issuer to reach the new primary", async () => {
        await introspect(issuer, acknowledged.token);
        return true;
      });

      expect(await introspect(issuer, acknowledged.token)).toBe(false);
      expect(await store.getStatus(first)).toBe(TokenStatus.revoked);
      // The status bit written without waiting did not survive: the held link really lost it.
      expect(await store.getStatus(third)).toBe(TokenStatus.valid);
      expect(await introspect(issuer, control.token)).toBe(true);
      // The refused revocation is retried and answered once it holds.
      await until("the retried revocation to be answered", async () => {
        return (await revoke(issuer, refused.token)).status === 200;
      });
      expect(await introspect(issuer, refused.token)).toBe(false);
    } finally {
      for (const probe of probes) probe.disconnect();
      await unwaited.close();
      await store?.close();
    }
  }, 90000);
});
