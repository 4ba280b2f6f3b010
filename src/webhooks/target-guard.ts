/**
 * Where a webhook may send (server-side request forgery guard): `https` only, and never to a
 * loopback, private, link-local, unique-local, carrier-grade NAT, multicast or cloud metadata
 * address, nor to `localhost`. IP literals are checked everywhere; host names are checked after
 * resolution where the runtime can resolve (Node passes a resolver: every answer must be public,
 * and Node's sender checks its own resolution again and connects to the address it checked).
 * `TOKENMINT_WEBHOOKS_ALLOW_INSECURE=true` lifts all of this, for development and tests.
 *
 * @example
 * ```ts
 * await checkWebhookTarget("https://hooks.example.com/t", { allowInsecure: false });
 * blockedAddress("169.254.169.254"); // true
 * ```
 * @module
 */

/** Resolves a host name to every address it has (Node: `dns.lookup` with `all: true`). */
export type HostResolver = (host: string) => Promise<readonly string[]>;

/** How a target is checked. */
export interface TargetPolicy {
  readonly allowInsecure: boolean;
  readonly resolve?: HostResolver;
}

/** A target the policy refuses; the message says why (never shown to anyone but the admin). */
export class TargetRefused extends Error {
  override readonly name = "TargetRefused";
}

const BLOCKED_NAMES = /^(?:localhost|.*\.localhost|metadata\.google\.internal|metadata)\.?$/i;

/** IPv4 ranges that are not the public internet: [first octets as a number, prefix length]. */
const BLOCKED_V4: readonly (readonly [string, number])[] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

function parseV4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function v4Blocked(address: number): boolean {
  return BLOCKED_V4.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(address / size) === Math.floor((parseV4(base) as number) / size);
  });
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed), or undefined. */
function parseV6(text: string): number[] | undefined {
  let body = text.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail) {
    const v4 = parseV4(tail[1] as string);
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, -(tail[1] as string).length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (all.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return all.map((group) => Number.parseInt(group, 16));
}

function v6Blocked(groups: number[]): boolean {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = groups;
  const embeddedV4 = g * 65536 + h;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    // ::, ::1, ::a.b.c.d (compatible) and ::ffff:a.b.c.d (mapped) are decided by their IPv4 part.
    if (f === 0 && g === 0) return true;
    if (f === 0xffff || f === 0) return v4Blocked(embeddedV4);
  }
  if (a === 0x64 && b === 0xff9b) return v4Blocked(embeddedV4); // NAT64
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0xdb8) return true; // documentation
  return false;
}

/**
 * True when `address` (an IPv4 or IPv6 literal) is not a public internet address; false for a
 * public one; undefined when it is not an IP literal at all.
 */
export function blockedAddress(address: string): boolean | undefined {
  const v4 = parseV4(address);
  if (v4 !== undefined) return v4Blocked(v4);
  const v6 = address.includes(":") ? parseV6(address) : undefined;
  return v6 === undefined ? undefined : v6Blocked(v6);
}

/**
 * Checks a URL without resolving it: the scheme, and the host when it is a name the policy
 * refuses or an IP literal. Returns the parsed URL.
 *
 * @throws {TargetRefused} naming what is refused.
 */
export function checkWebhookUrl(url: string, allowInsecure: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetRefused("not a URL");
  }
  if (parsed.username || parsed.password) throw new TargetRefused("credentials in the URL");
  if (allowInsecure) {
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new TargetRefused("only http and https URLs");
    }
    return parsed;
  }
  if (parsed.protocol !== "https:") throw new TargetRefused("only https URLs");
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (BLOCKED_NAMES.test(host)) throw new TargetRefused(`host ${host} is local`);
  if (blockedAddress(host)) throw new TargetRefused(`address ${host} is not public`);
  return parsed;
}

/**
 * Checks a URL and, when the policy has a resolver and the host is a name, every address it
 * resolves to.
 *
 * @throws {TargetRefused} when the URL or one of its addresses is refused, or it does not resolve.
 */
export async function checkWebhookTarget(url: string, policy: TargetPolicy): Promise<URL> {
  const parsed = checkWebhookUrl(url, policy.allowInsecure);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (policy.allowInsecure || !policy.resolve || blockedAddress(host) !== undefined) return parsed;
  let addresses: readonly string[];
  try {
    addresses = await policy.resolve(host);
  } catch {
    throw new TargetRefused(`host ${host} does not resolve`);
  }
  checkResolvedAddresses(host, addresses);
  return parsed;
}

/**
 * Checks the addresses a host name resolved to: there must be at least one, and every one must be
 * public (one private answer is enough for a rebinding receiver to be reached inward).
 *
 * @throws {TargetRefused} naming the first address refused, or saying the host does not resolve.
 */
export function checkResolvedAddresses(host: string, addresses: readonly string[]): void {
  if (addresses.length === 0) throw new TargetRefused(`host ${host} does not resolve`);
  const refused = addresses.find((address) => blockedAddress(address) !== false);
  if (refused !== undefined) {
    throw new TargetRefused(`host ${host} resolves to ${refused}, which is not public`);
  }
}
