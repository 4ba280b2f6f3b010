/**
 * The org → cell routing map on Redis: one hash and a version counter under one hash tag.
 *
 * One org's cell (what a mint writes into its token's `cell` claim) is read again at most every
 * {@link ORG_CELL_REREAD_MS}; this instance's own changes show at once, another instance's move
 * that much later. Routers decide by the map itself (`GET /v1/routes`), the claim being their
 * fallback, so a token minted in that second still goes where its org is.
 *
 * @example
 * ```ts
 * const { version, cells } = await createRedisOrgRouteStore(shared).readOrgCells();
 * ```
 * @module
 */
import type { OrgRouteStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/** How long a cell read from Redis is used again, in milliseconds. */
export const ORG_CELL_REREAD_MS = 1000;

/** At most this many orgs' cells are remembered (all are forgotten past it). */
const ORG_CELLS_REMEMBERED = 1024;

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
  /** Cells read, with when the read began (`performance.now()`). */
  const remembered = new Map<string, { readonly cell: string | undefined; readonly at: number }>();
  /** Bumped after every change this instance makes: a read begun before it is not remembered. */
  let changes = 0;
  const changed = () => {
    changes += 1;
    remembered.clear();
  };
  return {
    async readOrgCells() {
      const [cells, version] = await call(() =>
        Promise.all([redis.hgetall(key.routes), redis.get(key.routesVersion)]),
      );
      return { version: Number(version ?? 0), cells };
    },
    async getOrgCell(org) {
      const started = performance.now();
      const known = remembered.get(org);
      if (known && started - known.at < ORG_CELL_REREAD_MS) return known.cell;
      const seen = changes;
      const cell = (await call(() => redis.hget(key.routes, org))) ?? undefined;
      if (seen === changes) {
        if (remembered.size >= ORG_CELLS_REMEMBERED) remembered.clear();
        remembered.set(org, { cell, at: started });
      }
      return cell;
    },
    async setOrgCell(org, cell) {
      try {
        return Number(
          await call(() => script("tmSetOrgCell")(key.routes, key.routesVersion, org, cell)),
        );
      } finally {
        changed();
      }
    },
    async seedOrgCells(cells) {
      const pairs = Object.entries(cells).flat();
      if (pairs.length === 0) return;
      try {
        await call(() => script("tmSeedOrgCells")(key.routes, key.routesVersion, ...pairs));
      } finally {
        changed();
      }
    },
  };
}
