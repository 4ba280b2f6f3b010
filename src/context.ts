/**
 * What every handler and domain function is given: configuration, store, keyring, clock, logger.
 * Built once by the runtime entry (Node or Workers) and passed to {@link buildApp}.
 * @module
 */
import type { Context } from "hono";
import type { Clock } from "./clock.js";
import type { Config } from "./config/config.js";
import type { Keyring } from "./keys/keyring.js";
import type { Logger } from "./logger.js";
import type { Store } from "./store/types.js";

/** The issuer's dependencies. */
export interface IssuerContext {
  readonly config: Config;
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The caller's IP address as the runtime sees it (set by the Node or Worker entry). */
  readonly clientIp?: (c: Context) => string | undefined;
}
