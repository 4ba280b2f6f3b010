/**
 * The org → cell routing map in memory, with a version bumped by every change.
 *
 * @example
 * ```ts
 * const { version, cells } = await createMemoryOrgRouteStore().readOrgCells();
 * ```
 * @module
 */
import type { OrgRouteStore } from "../types.js";

/**
 * The org-routes role in memory.
 *
 * @example
 * ```ts
 * await createMemoryOrgRouteStore().setOrgCell("acme", "eu-1");
 * ```
 */
export function createMemoryOrgRouteStore(): OrgRouteStore {
  const orgCells = new Map<string, string>();
  let orgCellsVersion = 0;
  return {
    async readOrgCells() {
      return { version: orgCellsVersion, cells: Object.fromEntries(orgCells) };
    },
    async getOrgCell(org) {
      return orgCells.get(org);
    },
    async setOrgCell(org, cell) {
      orgCells.set(org, cell);
      orgCellsVersion += 1;
      return orgCellsVersion;
    },
    async seedOrgCells(cells) {
      const missing = Object.entries(cells).filter(([org]) => !orgCells.has(org));
      if (missing.length === 0) return;
      for (const [org, cell] of missing) orgCells.set(org, cell);
      orgCellsVersion += 1;
    },
  };
}
