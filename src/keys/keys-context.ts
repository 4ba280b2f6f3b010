/**
 * What key management is given: the issuer's dependencies without anything above the keys
 * layer, so `keys/` does not depend on the context that is built from it.
 * @module
 */
import type { Clock } from "../clock.js";
import type { Config } from "../config/config.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/types.js";
import type { Keyring } from "./keyring.js";

/** The dependencies of key rotation, revocation and the key view. */
export interface KeysContext {
  readonly config: Config;
  readonly store: Store;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly logger: Logger;
}
