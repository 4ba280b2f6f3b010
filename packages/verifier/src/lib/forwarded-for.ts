/**
 * The client's address behind trusted proxies: the connection's peer, unless that peer is a
 * trusted proxy; then `X-Forwarded-For` is read from the right, skipping trusted proxies, and the
 * first address that is not one is the client (the one a proxy of ours saw connect). Addresses
 * the client itself wrote further left are never believed. Without trusted proxies the header is
 * ignored.
 *
 * @example
 * ```ts
 * forwardedClientAddress("10.0.0.2", "198.51.100.7, 203.0.113.9, 10.0.0.1", ["10.0.0.0/8"]);
 * // "203.0.113.9"
 * ```
 * @module
 */
import { addressInRanges } from "./ip-ranges.js";

/** One `X-Forwarded-For` entry without brackets and port (`[2001:db8::1]:443`, `192.0.2.1:80`). */
function entryAddress(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4WithPort?.[1] ?? entry;
}

/**
 * The client's address: `remote` (the connection's peer) when it is not a trusted proxy, else the
 * right-most address of `forwardedFor` that is not one (the left-most when all are). Undefined
 * when `remote` is unknown, or a trusted proxy sent no usable header.
 *
 * @param trusted normalized CIDR ranges of the proxies (see `normalizeIpRanges`).
 */
export function forwardedClientAddress(
  remote: string | undefined,
  forwardedFor: string | undefined | null,
  trusted: readonly string[],
): string | undefined {
  if (remote === undefined || trusted.length === 0 || !addressInRanges(remote, trusted)) {
    return remote;
  }
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((entry) => entryAddress(entry.trim()))
    .filter(Boolean);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as string;
    if (i === 0 || !addressInRanges(entry, trusted)) return entry;
  }
  return undefined;
}
