/**
 * The name of every Redis key the store uses, in one place, so the key schema has one source in
 * code (its types, TTLs and fields are in docs/storage-schema.md, which a test keeps in step).
 *
 * @example
 * ```ts
 * redisKeyNames("tm:").token("abc"); // "tm:tok:{abc}"
 * ```
 * @module
 */

/** The keys of one deployment (one prefix); braces are Redis Cluster hash tags. */
export interface RedisKeyNames {
  readonly meta: string;
  readonly keys: string;
  readonly keyExps: string;
  readonly keysVersion: string;
  /** A copy of the epoch beside the keyring, so the signing gate can check it on every mint. */
  readonly keysEpoch: string;
  readonly keysChanged: string;
  readonly list: (list: string) => string;
  readonly token: (id: string) => string;
  readonly subject: (sub: string) => string;
  /** The subject's mint counter of one rate window, in the subject's hash slot. */
  readonly subjectMints: (sub: string, window: number) => string;
  readonly family: (fam: string) => string;
  readonly orgSubjects: (org: string) => string;
  readonly expirySubjects: (day: number) => string;
  readonly idle: (day: number) => string;
  readonly once: (name: string) => string;
  readonly hits: (name: string, window: number) => string;
  readonly audit: string;
  /** Set for a moment when the audit stream is over its cap but nothing may be trimmed yet. */
  readonly auditTrimPause: string;
  /** Webhook keys share the audit stream's hash tag: one script fans out and acknowledges. */
  readonly webhooks: string;
  readonly deliveries: string;
  readonly deliveriesDue: string;
  readonly deliveriesIndex: string;
  readonly routes: string;
  readonly routesVersion: string;
}

/**
 * The key names under `prefix` (default of the store: `tm:`).
 *
 * @example
 * ```ts
 * const key = redisKeyNames("tm:");
 * await redis.hgetall(key.routes);
 * ```
 */
export function redisKeyNames(prefix: string): RedisKeyNames {
  return {
    meta: `${prefix}{meta}`,
    keys: `${prefix}{keys}`,
    keyExps: `${prefix}{keys}:exp`,
    keysVersion: `${prefix}{keys}:version`,
    keysEpoch: `${prefix}{keys}:epoch`,
    keysChanged: keysChangedChannel(prefix),
    list: (list) => `${prefix}sl:{${list}}`,
    token: (id) => `${prefix}tok:{${id}}`,
    subject: (sub) => `${prefix}sub:{${sub}}`,
    subjectMints: (sub, window) => `${prefix}sub:{${sub}}:mints:${window}`,
    family: (fam) => `${prefix}fam:{${fam}}`,
    orgSubjects: (org) => `${prefix}orgsub:{${org}}`,
    expirySubjects: (day) => `${prefix}expsub:{${day}}`,
    idle: (day) => `${prefix}idle:{${day}}`,
    once: (name) => `${prefix}once:{${name}}`,
    hits: (name, window) => `${prefix}rl:{${name}}:${window}`,
    audit: `${prefix}{audit}`,
    auditTrimPause: `${prefix}{audit}:trim-pause`,
    webhooks: `${prefix}{audit}:wh`,
    deliveries: `${prefix}{audit}:whd`,
    deliveriesDue: `${prefix}{audit}:whd:due`,
    deliveriesIndex: `${prefix}{audit}:whd:index`,
    routes: `${prefix}{routes}`,
    routesVersion: `${prefix}{routes}:version`,
  };
}

/**
 * The pub/sub channel on which the keyring version is published after every change.
 *
 * @example
 * ```ts
 * keysChangedChannel("tm:"); // "tm:{keys}:changed"
 * ```
 */
export function keysChangedChannel(prefix: string): string {
  return `${prefix}{keys}:changed`;
}
