/**
 * What every handler and domain function is given: configuration, store, keyring, KEKs, clock, logger.
 * Built once by the runtime entry (Node or Workers) and passed to {@link buildApp}.
 * @module
 */
import type { Context } from "hono";
import type { KekRing } from "./keys/kek.js";
import type { KeysContext } from "./keys/keys-context.js";

/** The issuer's dependencies: configuration, store, keyring, clock and logger. */
export interface IssuerContext extends KeysContext {
  /** The caller's IP address as the runtime sees it (set by the Node or Worker entry). */
  readonly clientIp?: (c: Context) => string | undefined;
  /** The key-encryption keys (webhook secrets are stored encrypted under them). */
  readonly keks: KekRing;
}

/**
 * State kept per issuer context (caches, throttles), made on first use: each context a test or a
 * runtime builds has its own, and it goes with the context.
 *
 * @example
 * ```ts
 * const cacheOf = perContext(() => createTokenCache());
 * const cache = cacheOf(ctx);
 * ```
 */
export function perContext<T>(create: () => T): (ctx: IssuerContext) => T {
  const states = new WeakMap<IssuerContext, T>();
  return (ctx) => {
    let state = states.get(ctx);
    if (state === undefined) {
      state = create();
      states.set(ctx, state);
    }
    return state;
  };
}
