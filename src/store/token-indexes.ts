/**
 * Index arithmetic both stores share: scores, retention deadlines, the per-day expiry buckets
 * (tokens are bucketed by the UTC day of their `exp`, so no single key holds every token) and the
 * per-day activity buckets of unused-token cleanup (by the UTC day of the last use or creation).
 * @module
 */
import type { StoredToken, TokenRecord } from "./types.js";

const DAY = 86400;
/** Expiry buckets outlive their day by this much, so late sweeps still find them. */
const EXPIRY_BUCKET_GRACE = 8 * DAY;

/** The index score of a token: its `exp`, or +Infinity when it never expires. */
export function scoreOf(record: Pick<TokenRecord, "exp">): number {
  return record.exp ?? Number.POSITIVE_INFINITY;
}

/** Until when (seconds) a token's record and index entries are kept; null means forever. */
export function keepUntilOf(
  record: Pick<TokenRecord, "exp">,
  retentionSeconds: number,
): number | null {
  return record.exp === null ? null : record.exp + retentionSeconds;
}

/** The UTC day number of an instant (seconds since the epoch). */
export function expiryDay(exp: number): number {
  return Math.floor(exp / DAY);
}

/** Every day number whose bucket may hold an `exp` in `(from, to]`. */
export function expiryDays(from: number, to: number): number[] {
  const days: number[] = [];
  for (let day = expiryDay(from); day <= expiryDay(to); day++) days.push(day);
  return days;
}

/** When (seconds) the expiry bucket holding `exp` may be dropped. */
export function expiryIndexDeadline(exp: number): number {
  return (expiryDay(exp) + 1) * DAY + EXPIRY_BUCKET_GRACE;
}

/**
 * When (seconds) the activity bucket holding `at` may be dropped: a token last active that day
 * is revoked as unused `unusedAfter` seconds later, and late sweeps get the same grace.
 */
export function idleIndexDeadline(at: number, unusedAfter: number): number {
  return (expiryDay(at) + 1) * DAY + unusedAfter + EXPIRY_BUCKET_GRACE;
}

/** Sort order for listings: newest first, then by id. */
export function newestFirst(a: StoredToken, b: StoredToken): number {
  return b.record.created - a.record.created || a.record.id.localeCompare(b.record.id);
}

/**
 * The first token of a family is the family's id, so it needs no family index entry: the family
 * index only lists the tokens rotation added. This saves a sorted set per token that is never
 * rotated, which is most of them.
 */
export function needsFamilyIndex(record: Pick<TokenRecord, "id" | "fam">): boolean {
  return record.fam !== record.id;
}

/** Every token id of a family: the family's first token and the indexed successors. */
export function familyMembers(fam: string, indexed: readonly string[]): string[] {
  return [fam, ...indexed.filter((id) => id !== fam)];
}
