/**
 * How a token's record lives in its Redis hash: one short field per claim, so that a typical
 * record stays within Redis's compact listpack encoding (every value at most 64 bytes by default)
 * instead of a hashtable. That halves the bytes a live token costs (see the README, "Key schema").
 *
 * | field | holds |
 * | --- | --- |
 * | `sub`, `nm`, `ds`, `o`, `ce`, `ci`, `k`, `f` | subject, name, description, org, cell, client id, kid, family (only when not the token's own id) |
 * | `sc` | scopes, space-separated (as in the `scope` claim) |
 * | `a` | the audience: the value itself when it is one, else a JSON array |
 * | `pm` | permissions, JSON |
 * | `q` | the status index as the epoch's allocation number (`l` list id + `x` index for another epoch's list) |
 * | `c`, `e` | created, expiry (no `e`: never expires) |
 * | `s` | state (no `s`: active) |
 * | `u`, `ip0`…`ip4` | last use, the last distinct client IPs, newest first |
 * | `n` | the successor's id, once rotated |
 *
 * Records written before this layout (`r` = record JSON, `m` = detail changes, `ip` = JSON array)
 * are still read, so an upgrade loses nothing.
 * @module
 */
import { parseListId, refForSequence } from "./status-layout.js";
import { applyDetails } from "./token-details.js";
import {
  LAST_USED_IPS,
  type StatusRef,
  type StoredToken,
  type StoreEpoch,
  type TokenDetails,
  type TokenRecord,
  type TokenState,
} from "./types.js";

/** The hash fields that hold the last distinct client IPs, newest first (`ip0`…). */
export const IP_FIELDS: readonly string[] = Array.from(
  { length: LAST_USED_IPS },
  (_, i) => `ip${i}`,
);

/** The field/value pairs of a record, ready for `HSET` (state and usage are not part of it). */
export function tokenHashFields(record: TokenRecord, epoch: StoreEpoch): string[] {
  const fields = [
    "sub",
    record.sub,
    "nm",
    record.name,
    "sc",
    record.scope.join(" "),
    "a",
    audienceValue(record.aud),
    "ci",
    record.client_id,
    "k",
    record.kid,
    ...statusFields(record.status, epoch),
    "c",
    String(record.created),
  ];
  if (record.description !== undefined) fields.push("ds", record.description);
  if (record.permissions !== undefined) fields.push("pm", JSON.stringify(record.permissions));
  if (record.org !== undefined) fields.push("o", record.org);
  if (record.cell !== undefined) fields.push("ce", record.cell);
  if (record.fam !== record.id) fields.push("f", record.fam);
  if (record.exp !== null) fields.push("e", String(record.exp));
  return fields;
}

/** The stored token in a hash as `HGETALL` answers it, or null when there is no record. */
export function parseTokenHash(
  id: string,
  hash: Record<string, string>,
  epoch: StoreEpoch,
): StoredToken | null {
  const record = hash.r !== undefined ? legacyRecord(id, hash) : recordOf(id, hash, epoch);
  if (!record) return null;
  return {
    record,
    state: (hash.s ?? "active") as TokenState,
    lastUsedAt: hash.u ? Number(hash.u) : null,
    lastUsedIps: lastUsedIpsOf(hash),
    rotatedTo: hash.n ?? null,
  };
}

/** The org a record in a hash belongs to, from `HMGET key o r` (new and old layout). */
export function orgOfHash(org: string | null, legacyJson: string | null): string | undefined {
  if (org !== null) return org;
  if (legacyJson === null) return undefined;
  return (JSON.parse(legacyJson) as { org?: string }).org;
}

function recordOf(id: string, hash: Record<string, string>, epoch: StoreEpoch): TokenRecord | null {
  const { sub, nm: name, sc, a, ci: client_id, k: kid, c } = hash;
  if (
    sub === undefined ||
    name === undefined ||
    sc === undefined ||
    a === undefined ||
    client_id === undefined ||
    kid === undefined ||
    c === undefined
  ) {
    return null;
  }
  return {
    id,
    sub,
    name,
    ...(hash.ds === undefined ? {} : { description: hash.ds }),
    scope: sc.split(" "),
    ...(hash.pm === undefined
      ? {}
      : { permissions: JSON.parse(hash.pm) as TokenRecord["permissions"] & object }),
    ...(hash.o === undefined ? {} : { org: hash.o }),
    ...(hash.ce === undefined ? {} : { cell: hash.ce }),
    aud: a.startsWith("[") ? (JSON.parse(a) as string[]) : [a],
    client_id,
    fam: hash.f ?? id,
    kid,
    status:
      hash.q === undefined
        ? { list: hash.l ?? "", idx: Number(hash.x) }
        : refForSequence(epoch.id, epoch.listSize, Number(hash.q)),
    created: Number(c),
    exp: hash.e === undefined ? null : Number(hash.e),
  };
}

/** One audience is stored as itself; several (or one that looks like JSON) as a JSON array. */
function audienceValue(aud: readonly string[]): string {
  const [only] = aud;
  return aud.length === 1 && only !== undefined && !only.startsWith("[")
    ? only
    : JSON.stringify(aud);
}

/** A status index of this epoch is stored as its allocation number: one small integer. */
function statusFields(status: StatusRef, epoch: StoreEpoch): string[] {
  const parsed = parseListId(status.list);
  if (parsed?.epoch === epoch.id && status.idx < epoch.listSize) {
    return ["q", String(parsed.n * epoch.listSize + status.idx + 1)];
  }
  return ["l", status.list, "x", String(status.idx)];
}

function lastUsedIpsOf(hash: Record<string, string>): string[] {
  if (hash.ip !== undefined) return JSON.parse(hash.ip) as string[];
  const ips: string[] = [];
  for (const field of IP_FIELDS) {
    const ip = hash[field];
    if (ip !== undefined) ips.push(ip);
  }
  return ips;
}

/** A record written before the field-per-claim layout: record JSON in `r`, changes in `m`. */
function legacyRecord(id: string, hash: Record<string, string>): TokenRecord {
  const stored = JSON.parse(hash.r as string) as Omit<TokenRecord, "id" | "fam"> & {
    fam?: string;
  };
  const record = { ...stored, id, fam: stored.fam ?? id };
  return hash.m ? applyDetails(record, JSON.parse(hash.m) as TokenDetails) : record;
}
