/**
 * Every method of {@link Store} by role, checked by the compiler, and a typed way to build a store
 * whose methods wrap another's (timing, forwarding to a per-request connection) without a Proxy.
 *
 * @example
 * ```ts
 * const logged = wrapMethods<Store>(STORE_METHODS, (name) => store[name]);
 * ```
 * @module
 */
import type { Store } from "./types.js";

/** The roles of types.ts, as names. */
export type StoreRole =
  | "lifecycle"
  | "keyring"
  | "status"
  | "tokens"
  | "activity"
  | "rate-limits"
  | "audit"
  | "org-routes"
  | "webhooks";

/**
 * The role of each method of {@link Store}: an object literal checked against `keyof Store`, so a
 * method added to a role and missing here (or one listed that no role has) fails to compile.
 */
export const STORE_METHODS = {
  open: "lifecycle",
  ping: "lifecycle",
  close: "lifecycle",
  readKeyring: "keyring",
  addKey: "keyring",
  updateKeys: "keyring",
  noteKeyUse: "keyring",
  allocateStatus: "status",
  setStatus: "status",
  getStatus: "status",
  readStatusList: "status",
  openMint: "tokens",
  reserveSubjectSlot: "tokens",
  releaseSubjectSlot: "tokens",
  saveToken: "tokens",
  getToken: "tokens",
  getTokens: "tokens",
  getTokenWithStatus: "tokens",
  listTokens: "tokens",
  listTokenIds: "tokens",
  listExpiringIds: "tokens",
  setTokenState: "tokens",
  transitionTokenState: "tokens",
  decideApproval: "tokens",
  recordUsage: "tokens",
  updateTokenDetails: "tokens",
  noteActivity: "activity",
  listIdleEntries: "activity",
  dropIdleEntry: "activity",
  claimOnce: "rate-limits",
  countHit: "rate-limits",
  appendAudit: "audit",
  readAudit: "audit",
  readOrgCells: "org-routes",
  getOrgCell: "org-routes",
  setOrgCell: "org-routes",
  seedOrgCells: "org-routes",
  saveWebhook: "webhooks",
  replaceWebhook: "webhooks",
  listWebhooks: "webhooks",
  deleteWebhook: "webhooks",
  openOutbox: "webhooks",
  readOutbox: "webhooks",
  outboxEnd: "webhooks",
  skipOutboxTo: "webhooks",
  fanOut: "webhooks",
  claimDeliveries: "webhooks",
  finishDelivery: "webhooks",
  listDeliveries: "webhooks",
  getDelivery: "webhooks",
  requeueDelivery: "webhooks",
} as const satisfies Record<keyof Store, StoreRole>;

/** Any method, as far as a wrapper needs to know. */
export type AnyMethod = (...args: never[]) => unknown;

/**
 * Builds an object with one method per key of `methods`, each made by `make` from its name. The
 * key list is a complete record of `T`'s keys, so the result has every method of `T`.
 *
 * @example
 * ```ts
 * const scoped = wrapMethods<Store>(STORE_METHODS, (name) => forward(name));
 * ```
 */
export function wrapMethods<T extends object>(
  methods: { readonly [K in keyof T]-?: unknown },
  make: <K extends keyof T>(name: K) => T[K],
): T {
  const built: Partial<T> = {};
  for (const name of Object.keys(methods) as (keyof T)[]) built[name] = make(name);
  return built as T;
}
