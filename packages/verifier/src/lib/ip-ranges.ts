/**
 * IP ranges (CIDRs) of a token's `allowed_ips` claim: parsing and normalizing them, testing a
 * client address against them, and deciding whether one list lies within another. Addresses are
 * parsed by `ipaddr.js` (the parser express's `proxy-addr` uses); ranges are compared as bytes.
 * An IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) is its IPv4 address, and an IPv4-mapped range
 * (`::ffff:10.0.0.0/104`) its IPv4 range, so either spelling matches IPv4 lists.
 *
 * @example
 * ```ts
 * normalizeIpRanges(["10.1.2.3/8", "2001:DB8::/32"]); // ["10.0.0.0/8", "2001:db8::/32"]
 * addressInRanges("::ffff:10.9.9.9", ["10.0.0.0/8"]); // true
 * rangesWithin(["10.1.0.0/16"], ["10.0.0.0/8"]); // true
 * ```
 * @module
 */
import ipaddr from "ipaddr.js";

/** One range: the network's bytes (4 for IPv4, 16 for IPv6) and its prefix length. */
export interface IpRange {
  readonly bytes: readonly number[];
  readonly prefix: number;
}

/** The most ranges one list may hold. */
export const MAX_IP_RANGES = 32;

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
const DECIMAL = /^\d{1,3}$/;

/** The address's bytes, IPv4-mapped IPv6 as IPv4; undefined unless strictly valid. */
function addressBytes(text: string): number[] | undefined {
  if (text.includes(".") && !text.includes(":")) {
    // Four decimal parts only: ipaddr.js also reads `10.1` and `0x0a.1.2.3`, which no one means.
    const parts = text.split(".");
    if (parts.length !== 4 || !parts.every((part) => DECIMAL.test(part))) return undefined;
    return ipaddr.IPv4.isValidFourPartDecimal(text)
      ? ipaddr.IPv4.parse(text).toByteArray()
      : undefined;
  }
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const parsed = ipaddr.IPv6.parse(text);
  const bytes = parsed.toByteArray();
  return isIpv4Mapped(bytes) ? bytes.slice(12) : bytes;
}

function isIpv4Mapped(bytes: readonly number[]): boolean {
  return bytes.length === 16 && IPV4_MAPPED_PREFIX.every((byte, i) => bytes[i] === byte);
}

/** The bytes with every bit after `prefix` cleared. */
function network(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const bits = Math.min(Math.max(prefix - i * 8, 0), 8);
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/**
 * Parses a range (`10.0.0.0/8`, `2001:db8::/32`) or a single address (`/32` or `/128`), with host
 * bits cleared; undefined when it is neither. A zone id (`fe80::1%eth0`) is refused.
 */
export function parseIpRange(text: string): IpRange | undefined {
  if (typeof text !== "string" || text.length > 64 || text.includes("%")) return undefined;
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const length = slash < 0 ? undefined : text.slice(slash + 1);
  if (length !== undefined && !/^\d{1,3}$/.test(length)) return undefined;
  // Mapped ranges are kept as IPv6 bytes here; the prefix decides below whether they fold to IPv4.
  let bytes = address.includes(":")
    ? ipaddr.IPv6.isValid(address)
      ? ipaddr.IPv6.parse(address).toByteArray()
      : undefined
    : addressBytes(address);
  if (bytes === undefined) return undefined;
  const bits = bytes.length * 8;
  let prefix = length === undefined ? bits : Number(length);
  if (prefix > bits) return undefined;
  if (isIpv4Mapped(bytes) && prefix >= 96) {
    bytes = bytes.slice(12);
    prefix -= 96;
  }
  return { bytes: network(bytes, prefix), prefix };
}

/** The address as a `/32` or `/128` range (IPv4-mapped as IPv4, zone id ignored), or undefined. */
export function parseIpAddress(text: string): IpRange | undefined {
  if (typeof text !== "string" || text.length > 64) return undefined;
  const zone = text.indexOf("%");
  const bytes = addressBytes(zone < 0 ? text : text.slice(0, zone));
  return bytes === undefined ? undefined : { bytes, prefix: bytes.length * 8 };
}

/** The normalized spelling of a range: `10.0.0.0/8`, `2001:db8::/32` (RFC 5952). */
export function formatIpRange(range: IpRange): string {
  const address = ipaddr.fromByteArray([...range.bytes]);
  return `${address.toString()}/${range.prefix}`;
}

/** True when `outer` holds every address of `inner` (same family, shorter or equal prefix). */
export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  if (outer.bytes.length !== inner.bytes.length || outer.prefix > inner.prefix) return false;
  const masked = network(inner.bytes, outer.prefix);
  return masked.every((byte, i) => byte === outer.bytes[i]);
}

/**
 * Normalizes a list: each entry parsed, host bits cleared, spelled as {@link formatIpRange},
 * duplicates dropped, order kept.
 *
 * @throws {TypeError} naming the index of the first entry that is not a range or an address.
 */
export function normalizeIpRanges(texts: readonly string[]): string[] {
  const out: string[] = [];
  texts.forEach((text, index) => {
    const range = parseIpRange(text);
    if (range === undefined) {
      throw new TypeError(
        `[${index}]: ${JSON.stringify(String(text).slice(0, 64))} is not an IP address or CIDR range`,
      );
    }
    const spelled = formatIpRange(range);
    if (!out.includes(spelled)) out.push(spelled);
  });
  return out;
}

const parsedLists = new WeakMap<readonly string[], readonly IpRange[]>();

/** The ranges of a list (entries that do not parse match nothing), parsed once per array. */
function rangesOf(list: readonly string[]): readonly IpRange[] {
  let ranges = parsedLists.get(list);
  if (!ranges) {
    ranges = list.map(parseIpRange).filter((range): range is IpRange => range !== undefined);
    parsedLists.set(list, ranges);
  }
  return ranges;
}

/** True when `address` lies in one of the ranges of `list`; an unparsable address matches none. */
export function addressInRanges(address: string | undefined, list: readonly string[]): boolean {
  const parsed = address === undefined ? undefined : parseIpAddress(address);
  if (parsed === undefined) return false;
  return rangesOf(list).some((range) => rangeContains(range, parsed));
}

/** True when the union of `holders` covers every address of `range`. */
function covered(range: IpRange, holders: readonly IpRange[]): boolean {
  if (holders.some((holder) => rangeContains(holder, range))) return true;
  const inside = holders.filter((holder) => rangeContains(range, holder));
  if (inside.length === 0 || range.prefix >= range.bytes.length * 8) return false;
  // Split in halves: each must be covered by the smaller ranges inside it.
  const prefix = range.prefix + 1;
  const upper = [...range.bytes];
  const byte = Math.floor(range.prefix / 8);
  upper[byte] = (upper[byte] as number) | (0x80 >> (range.prefix % 8));
  return (
    covered({ bytes: range.bytes, prefix }, inside) && covered({ bytes: upper, prefix }, inside)
  );
}

/**
 * True when `candidate` allows no address that `holder` does not: `undefined` means every
 * address, so anything lies within it, and it lies within nothing narrower.
 */
export function rangesWithin(
  candidate: readonly string[] | undefined,
  holder: readonly string[] | undefined,
): boolean {
  if (holder === undefined) return true;
  if (candidate === undefined) return false;
  const held = rangesOf(holder);
  return rangesOf(candidate).every((range) => covered(range, held));
}
