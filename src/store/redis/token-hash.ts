/**
 * How a token's record lives in its Redis hash: one short field per claim, so that a typical
 * record stays within Redis's compact listpack encoding (every value at most 64 bytes by default)
 * instead of a hashtable. The fields are listed in docs/storage-schema.md (`ptok:`); records of
 * the first layout are read through first-layout.ts.
 * @module
 */
import {
  type ApprovalDecision,
  LAST_USED_IPS,
  type StatusRef,
  type StoredToken,
  type StoreEpoch,
  type TokenRecord,
  type TokenState,
} from "../records.js";
import { parseListId, refForSequence } from "../status-layout.js";
import {
  firstLayoutIps,
  firstLayoutOrg,
  firstLayoutRecord,
  isFirstLayoutRecord,
} from "./first-layout.js";

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
  if (record.allowed_ips !== undefined) fields.push("ai", record.allowed_ips.join(" "));
  if (record.fam !== record.id) fields.push("f", record.fam);
  if (record.exp !== null) fields.push("e", String(record.exp));
  if (record.kind !== undefined) fields.push("kd", record.kind);
  return fields;
}

/**
 * The stored token in a hash as the read scripts answer it (its field/value pairs as one JSON
 * array string; "" or null when there is none).
 */
export function parseTokenJson(
  id: string,
  json: string | null,
  epoch: StoreEpoch,
): StoredToken | null {
  if (json === null || json === "") return null;
  const pairs = JSON.parse(json) as string[];
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] as string] = pairs[i + 1] as string;
  return parseTokenHash(id, hash, epoch);
}

/** The stored token in a hash as `HGETALL` answers it, or null when there is no record. */
export function parseTokenHash(
  id: string,
  hash: Record<string, string>,
  epoch: StoreEpoch,
): StoredToken | null {
  const record = isFirstLayoutRecord(hash)
    ? firstLayoutRecord(id, hash)
    : recordOf(id, hash, epoch);
  if (!record) return null;
  return {
    record,
    state: (hash.s ?? "active") as TokenState,
    lastUsedAt: hash.u ? Number(hash.u) : null,
    lastUsedIps: lastUsedIpsOf(hash),
    rotatedTo: hash.n ?? null,
    ...(hash.ad === undefined ? {} : { decision: decisionOf(hash.ad) }),
  };
}

/** The `ad` field of a decided token: the decision as compact JSON. */
export function decisionValue(decision: ApprovalDecision): string {
  return JSON.stringify({
    v: decision.verdict,
    at: decision.at,
    by: decision.by,
    ...(decision.reason === undefined ? {} : { r: decision.reason }),
  });
}

function decisionOf(value: string): ApprovalDecision {
  const parsed = JSON.parse(value) as {
    v: ApprovalDecision["verdict"];
    at: number;
    by: string;
    r?: string;
  };
  return {
    verdict: parsed.v,
    at: parsed.at,
    by: parsed.by,
    ...(parsed.r === undefined ? {} : { reason: parsed.r }),
  };
}

/** The hash fields {@link orgOfHash} reads, in its argument order (`HMGET key o r`). */
export const ORG_FIELDS = ["o", "r"] as const;

/** The org a record in a hash belongs to, from its `o` field or a first-layout record's JSON. */
export function orgOfHash(org: string | null, firstLayoutJson: string | null): string | undefined {
  return org !== null ? org : firstLayoutOrg(firstLayoutJson);
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
    ...(hash.ai === undefined ? {} : { allowed_ips: hash.ai.split(" ") }),
    client_id,
    fam: hash.f ?? id,
    kid,
    status:
      hash.q === undefined
        ? { list: hash.l ?? "", idx: Number(hash.x) }
        : refForSequence(epoch.id, epoch.listSize, Number(hash.q)),
    created: Number(c),
    exp: hash.e === undefined ? null : Number(hash.e),
    ...(hash.kd === undefined ? {} : { kind: hash.kd }),
  };
}

/** One audience is stored as itself; several (or one that looks like JSON) as a JSON array. */
function audienceValue(aud: readonly string[]): string {
  const [only] = aud;
  return aud.length === 1 && only !== undefined && !only.startsWith("[")
    ? only
    : JSON.stringify(aud);
}

/**
 * A status index of this epoch's valid lists is stored as its allocation number: one small
 * integer; a pending list's (or another epoch's) as list id and index.
 */
function statusFields(status: StatusRef, epoch: StoreEpoch): string[] {
  const parsed = parseListId(status.list);
  if (parsed?.epoch === epoch.id && parsed.kind === "valid" && status.idx < epoch.listSize) {
    return ["q", String(parsed.n * epoch.listSize + status.idx + 1)];
  }
  return ["l", status.list, "x", String(status.idx)];
}

function lastUsedIpsOf(hash: Record<string, string>): string[] {
  const firstLayout = firstLayoutIps(hash);
  if (firstLayout !== undefined) return firstLayout;
  const ips: string[] = [];
  for (const field of IP_FIELDS) {
    const ip = hash[field];
    if (ip !== undefined) ips.push(ip);
  }
  return ips;
}
