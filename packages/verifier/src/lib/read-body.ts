/**
 * Reads an outbound response body with a size cap, so a misbehaving or hostile endpoint cannot
 * make the verifier buffer without bound. Web Streams only.
 *
 * @example
 * ```ts
 * const text = await readBodyCapped(await fetch(url), 64 * 1024);
 * ```
 * @module
 */
import { readCapped } from "./read-capped.js";

/**
 * Returns the body as text, or throws when it has more than `maxBytes` bytes.
 *
 * @throws {RangeError} when the body is too large.
 */
export async function readBodyCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw new RangeError(`Response body exceeds ${maxBytes} bytes`);
  }
  if (!response.body) return "";
  const bytes = await readCapped(response.body, maxBytes);
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
}

/** A `fetch` that resolves the global at call time (Workers reject a detached `fetch`). */
export const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);
