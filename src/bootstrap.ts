/**
 * Assembles an issuer from a validated configuration and a store: opens the store (creating or
 * checking its epoch), imports the KEKs, loads the keyring, makes sure a signing key is active and
 * a `next` key is published (one maintenance tick, which also applies a rotation that is due), and
 * subscribes the keyring to key-change notices when a feed is given.
 * Runtime entries call this; it uses Web APIs only.
 *
 * @example
 * ```ts
 * const ctx = await createIssuerContext({ config, store, logger, keks: config.keks });
 * const app = buildApp(ctx);
 * ```
 * @module
 */
import { behindProxies } from "@tokenmint/verifier";
import type { Context } from "hono";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config/config.js";
import type { IssuerContext } from "./context.js";
import { importKeks } from "./keys/kek.js";
import { createKeyring } from "./keys/keyring.js";
import { runScheduledKeyRotation } from "./keys/rotation.js";
import type { Logger } from "./logger.js";
import type { KeyChangeFeed, Store } from "./store/types.js";

/** What {@link createIssuerContext} needs. */
export interface IssuerParts {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  /** KEKs to use (normally `config.keks`; the Node dev mode supplies a generated one). */
  readonly keks: readonly string[];
  readonly clock?: Clock;
  /**
   * The connection's peer as the runtime sees it; the context's `clientIp` reads
   * `X-Forwarded-For` behind it when it is one of `config.trustedProxies`.
   */
  readonly clientIp?: (c: Context) => string | undefined;
  /** How often the keyring re-reads the store (ms). */
  readonly keyRefreshMs?: number;
  /** Key-change notices (Redis pub/sub, Node); without one, the keyring only polls. */
  readonly keyChanges?: KeyChangeFeed;
}

/**
 * Opens the store, loads keys (generating the first one if needed) and returns the context.
 *
 * @throws {StoreUnavailable} when the store cannot be reached.
 */
export async function createIssuerContext(parts: IssuerParts): Promise<IssuerContext> {
  const clock = parts.clock ?? systemClock;
  const epoch = await parts.store.open(parts.config.statusList.size);
  for (const warning of epoch.warnings ?? []) parts.logger.warn("store.risky_setting", { warning });
  if (epoch.listSize !== parts.config.statusList.size) {
    parts.logger.warn("config.status_list_size_ignored", {
      configured: parts.config.statusList.size,
      in_force: epoch.listSize,
    });
  }
  await parts.store.seedOrgCells(parts.config.orgCells);
  const keks = await importKeks(parts.keks);
  const keyring = createKeyring({
    store: parts.store,
    keks,
    algorithm: parts.config.algorithm,
    clock,
    ...(parts.keyRefreshMs === undefined ? {} : { refreshMs: parts.keyRefreshMs }),
  });
  if (parts.keyChanges) keyring.watch(parts.keyChanges);
  await keyring.ensureActiveKey();
  const ctx: IssuerContext = {
    config: parts.config,
    store: parts.store,
    keyring,
    keks,
    clock,
    logger: parts.logger,
    ...(parts.clientIp
      ? { clientIp: behindProxies(parts.config.trustedProxies, parts.clientIp) }
      : {}),
  };
  await runScheduledKeyRotation(ctx);
  await keyring.signingKey();
  return ctx;
}
