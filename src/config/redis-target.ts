/**
 * Where Redis is, as configuration describes it (no ioredis here, so the configuration module stays
 * on Web APIs): one server, a Redis Cluster, or a Sentinel-managed primary.
 *
 * @example
 * ```ts
 * const nodes = parseHostPorts("10.0.0.1:7000,10.0.0.2:7000");
 * ```
 * @module
 */

/** A `host:port` pair. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Which Redis deployment to use. */
export type RedisTarget =
  | { readonly url: string }
  | { readonly clusterNodes: readonly HostPort[] }
  | { readonly sentinels: readonly HostPort[]; readonly sentinelName: string };

/**
 * Credentials of the Redis nodes for Cluster and Sentinel deployments (with a URL, put them in the
 * URL). The sentinels themselves are contacted without credentials.
 */
export interface RedisAuth {
  readonly username?: string;
  readonly password?: string;
}

/** Parses `host:port,host:port` (IPv6 as `[::1]:7000`); undefined when malformed. */
export function parseHostPorts(value: string): HostPort[] | undefined {
  const nodes: HostPort[] = [];
  for (const part of value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(part);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return undefined;
    nodes.push({ host: (match[1] as string).replace(/^\[|\]$/g, ""), port });
  }
  return nodes;
}
