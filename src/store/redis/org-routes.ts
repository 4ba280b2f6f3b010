/**
 * The org → cell routing map on Redis: one hash and a version counter under one hash tag.
 *
 * @example
 * ```ts
 * const { version, cells } = await createRedisOrgRouteStore(shared).readOrgCells();
 * ```
 * @module
 */
import type { OrgRouteStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The org-routes role on Redis.
 *
 * @example
 * ```ts
 * const version = await createRedisOrgRouteStore(shared).setOrgCell("acme", "eu-1");
 * ```
 */
export function createRedisOrgRouteStore(shared: RedisStoreContext): OrgRouteStore {
  const { redis, key, call, script } = shared;
  return {
    async readOrgCells() {
      const [cells, version] = await call(() =>
        Promise.all([redis.hgetall(key.routes), redis.get(key.routesVersion)]),
      );
      return { version: Number(version ?? 0), cells };
    },
    async getOrgCell(org) {
      return (await call(() => redis.hget(key.routes, org))) ?? undefined;
    },
    async setOrgCell(org, cell) {
      return Number(
        await call(() => script("tmSetOrgCell")(key.routes, key.routesVersion, org, cell)),
      );
    },
    async seedOrgCells(cells) {
      const pairs = Object.entries(cells).flat();
      if (pairs.length === 0) return;
      await call(() => script("tmSeedOrgCells")(key.routes, key.routesVersion, ...pairs));
    },
  };
}
