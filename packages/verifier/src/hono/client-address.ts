/**
 * Where a Hono request comes from, for tokens limited to some networks (`allowed_ips`).
 * {@link runtimeAddress} is the connection's peer as the runtime reports it; {@link behindProxies}
 * believes `X-Forwarded-For` only when that peer is one of the configured proxies.
 *
 * @example
 * ```ts
 * app.use("/api/*", requireToken({ verifier, clientAddress: behindProxies(["10.0.0.0/8"]) }));
 * ```
 * @module
 */
import type { Context } from "hono";
import { forwardedClientAddress } from "../lib/forwarded-for.js";
import { normalizeIpRanges } from "../lib/ip-ranges.js";

/** Reads the client address of a request. */
export type ClientAddress = (c: Context) => string | undefined;

interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } };
}

/**
 * The connection's peer: on `@hono/node-server` the socket's remote address; in Cloudflare
 * Workers the `CF-Connecting-IP` header, which Cloudflare sets and a client cannot; elsewhere
 * undefined (pass your runtime's own as `clientAddress`).
 */
export function runtimeAddress(c: Context): string | undefined {
  const node = (c.env as NodeBindings | undefined)?.incoming;
  if (node !== undefined) return node.socket?.remoteAddress;
  if (
    (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ===
    "Cloudflare-Workers"
  ) {
    return c.req.header("cf-connecting-ip");
  }
  return undefined;
}

/**
 * A `clientAddress` for a service behind proxies: the peer (from `remote`, default
 * {@link runtimeAddress}) unless it lies in `proxies`; then the right-most `X-Forwarded-For`
 * address outside `proxies`. With no proxies the header is ignored.
 *
 * @throws {TypeError} when an entry of `proxies` is not an IP address or CIDR range.
 * @example
 * ```ts
 * requireToken({ verifier, clientAddress: behindProxies(["10.0.0.0/8", "fd00::/8"]) });
 * ```
 */
export function behindProxies(
  proxies: readonly string[],
  remote: ClientAddress = runtimeAddress,
): ClientAddress {
  let trusted: string[];
  try {
    trusted = normalizeIpRanges(proxies);
  } catch (error) {
    throw new TypeError(`behindProxies: proxies${(error as Error).message}`);
  }
  if (trusted.length === 0) return remote;
  return function clientBehindProxies(c) {
    return forwardedClientAddress(remote(c), c.req.header("x-forwarded-for"), trusted);
  };
}
