/**
 * `@tokenmint/verifier/lib`: small Web API helpers the verifier fetches with, for services that
 * fetch from the issuer in the same careful way: bodies read under a byte cap, and a `fetch` that
 * resolves the global at call time.
 *
 * @example
 * ```ts
 * import { globalFetch, readBodyCapped } from "@tokenmint/verifier/lib";
 *
 * const text = await readBodyCapped(await globalFetch(url), 64 * 1024);
 * ```
 * @module
 */

export { globalFetch, readBodyCapped } from "./read-body.js";
export { readCapped } from "./read-capped.js";
