/**
 * Readers of the Redis store's first layout, so an upgrade needed no migration: token hashes whose
 * record is JSON in `r` (detail changes merged in `m`, last IPs as a JSON array in `ip`), and the
 * token-per-entry indexes `porg:{<org>}` and `pexp:{<day>}` (see docs/storage-schema.md).
 *
 * Remove this module, its callers' first-layout branches and the `r`/`ip` branches of
 * `RECORD_USAGE` and `UPDATE_TOKEN_DETAILS` (scripts.ts) once every deployment has run on the flat
 * layout for longer than `TOKENMINT_MAX_LIFETIME` + `TOKENMINT_RETENTION` (372 days with the
 * defaults, 365 d + 7 d; the `pexp:` buckets are gone 8 days after their day) — a first-layout
 * record and its `porg:` entry are kept until its `exp` + retention — and, where
 * `TOKENMINT_ALLOW_NON_EXPIRING` was ever on, once no `ptok:{…}` hash has an `r` field left:
 * those records and their `porg:` sets have no TTL.
 *
 * @example
 * ```ts
 * const first = firstLayoutReader(redis, "tm:");
 * const ids = await first.orgIndex("acme");
 * ```
 * @module
 */

import type { TokenDetails, TokenRecord } from "../records.js";
import type { RedisClient } from "../redis-connection.js";
import { applyDetails } from "../token-details.js";

/** The first layout's indexes, read (never written) until they expire. */
export interface FirstLayoutReader {
  /** Every token id of the org's first-layout index (`porg:{<org>}`, a zset). */
  orgIndex(org: string): Promise<string[]>;
  /** The ids scored in `(from, to]` in the first-layout expiry bucket of `day` (`pexp:{<day>}`). */
  expiryIndex(day: number, from: number, to: number): Promise<string[]>;
}

/**
 * Reads the first layout's index keys under `prefix`.
 *
 * @example
 * ```ts
 * const legacy = await firstLayoutReader(redis, "tm:").expiryIndex(20400, from, to);
 * ```
 */
export function firstLayoutReader(redis: RedisClient, prefix: string): FirstLayoutReader {
  return {
    orgIndex: (org) => redis.zrange(`${prefix}org:{${org}}`, "0", "-1"),
    expiryIndex: (day, from, to) =>
      redis.zrangebyscore(`${prefix}exp:{${day}}`, `(${from}`, String(to)),
  };
}

/** Whether a token hash holds a first-layout record. */
export function isFirstLayoutRecord(hash: Record<string, string>): boolean {
  return hash.r !== undefined;
}

/** A first-layout record: record JSON in `r`, detail changes in `m`. */
export function firstLayoutRecord(id: string, hash: Record<string, string>): TokenRecord {
  const stored = JSON.parse(hash.r as string) as Omit<TokenRecord, "id" | "fam"> & {
    fam?: string;
  };
  const record = { ...stored, id, fam: stored.fam ?? id };
  return hash.m ? applyDetails(record, JSON.parse(hash.m) as TokenDetails) : record;
}

/** The last client IPs of a first-layout record (a JSON array in `ip`), if it has them. */
export function firstLayoutIps(hash: Record<string, string>): string[] | undefined {
  return hash.ip === undefined ? undefined : (JSON.parse(hash.ip) as string[]);
}

/** The org of a first-layout record from its `r` JSON (null: no such field). */
export function firstLayoutOrg(recordJson: string | null): string | undefined {
  if (recordJson === null) return undefined;
  return (JSON.parse(recordJson) as { org?: string }).org;
}
