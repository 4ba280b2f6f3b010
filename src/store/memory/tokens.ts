/**
 * Token records in memory, with the same indexes (subject, family, org, expiry day) and TTLs as
 * the Redis store, so the contract suite holds for both.
 *
 * @example
 * ```ts
 * const tokens = createMemoryTokenStore(expiry);
 * await tokens.saveToken(record, 604800);
 * ```
 * @module
 */
import {
  type ApprovalDecision,
  LAST_USED_IPS,
  type StoredToken,
  type TokenIndex,
  type TokenRecord,
  type TokenState,
} from "../records.js";
import { applyDetails } from "../token-details.js";
import {
  expiryDay,
  expiryDays,
  expiryIndexDeadline,
  familyMembers,
  keepUntilOf,
  needsFamilyIndex,
  newestFirst,
  scoreOf,
} from "../token-indexes.js";
import type { RateLimitStore, StatusStore, TokenStore } from "../types.js";
import { deadline, type Expiring, type Expiry, later } from "./expiring.js";

interface TokenEntry extends Expiring {
  record: TokenRecord;
  state: TokenState;
  lastUsedAt: number | null;
  lastUsedIps: string[];
  rotatedTo: string | null;
  decision?: ApprovalDecision;
}
interface IndexEntry extends Expiring {
  /** token id → score: exp in seconds (Infinity when it never expires), or when it stopped being live */
  members: Map<string, number>;
}

/**
 * The tokens role in memory; `countHit` counts the subjects' mints (the rate-limit role's) and
 * `getStatus` reads status entries (the status role's).
 *
 * @example
 * ```ts
 * const tokens = createMemoryTokenStore(expiry, rateLimits.countHit, status.getStatus);
 * const stored = await tokens.getToken(id);
 * ```
 */
export function createMemoryTokenStore(
  expiry: Expiry,
  countHit: RateLimitStore["countHit"],
  getStatus: StatusStore["getStatus"],
): Omit<TokenStore, "openMint"> {
  const { live } = expiry;
  const tokens = new Map<string, TokenEntry>();
  const indexes = new Map<string, IndexEntry>();

  function addToIndex(name: string, id: string, score: number, keepUntil: number | null): void {
    const entry = live(indexes, name) ?? { members: new Map(), expiresAt: keepUntil };
    entry.members.set(id, score);
    entry.expiresAt = later(entry.expiresAt, keepUntil);
    indexes.set(name, entry);
  }

  function listTokenIds(index: TokenIndex): string[] {
    const ids = [...(live(indexes, indexNameOf(index))?.members.keys() ?? [])];
    return "family" in index ? familyMembers(index.family, ids) : ids;
  }

  return {
    async reserveSubjectSlot(record, now, maxLive, retentionSeconds, rate) {
      const mints = await countHit(`mint:sub:${record.sub}`, now, rate.windowSeconds);
      if (mints > rate.limit) return "rate_limited";
      const name = indexName.subject(record.sub);
      const entry = live(indexes, name);
      if (entry) {
        for (const [id, score] of entry.members) {
          if (score < now - retentionSeconds) entry.members.delete(id);
        }
        const liveCount = [...entry.members.values()].filter((score) => score > now).length;
        if (liveCount >= maxLive) return "limit_reached";
      }
      addToIndex(name, record.id, scoreOf(record), deadline(keepUntilOf(record, retentionSeconds)));
      return "reserved";
    },
    async releaseSubjectSlot(record) {
      live(indexes, indexName.subject(record.sub))?.members.delete(record.id);
    },
    async saveToken(record, retentionSeconds, state = "active") {
      const keepUntil = deadline(keepUntilOf(record, retentionSeconds));
      tokens.set(record.id, {
        record,
        state,
        lastUsedAt: null,
        lastUsedIps: [],
        rotatedTo: null,
        expiresAt: keepUntil,
      });
      if (needsFamilyIndex(record)) {
        addToIndex(indexName.family(record.fam), record.id, scoreOf(record), keepUntil);
      }
      if (record.org !== undefined) {
        addToIndex(indexName.org(record.org), record.id, scoreOf(record), keepUntil);
      }
      if (record.exp !== null) {
        addToIndex(
          indexName.expiry(record.exp),
          record.id,
          record.exp,
          deadline(expiryIndexDeadline(record.exp)),
        );
      }
    },
    async getToken(id) {
      const entry = live(tokens, id);
      return entry ? snapshot(entry) : null;
    },
    async getTokenWithStatus(id, ref) {
      const entry = live(tokens, id);
      return { stored: entry ? snapshot(entry) : null, status: await getStatus(ref) };
    },
    async getTokens(ids) {
      return ids.map((id) => {
        const entry = live(tokens, id);
        return entry ? snapshot(entry) : null;
      });
    },
    async listTokens(sub) {
      const found: StoredToken[] = [];
      for (const id of listTokenIds({ subject: sub })) {
        const entry = live(tokens, id);
        if (entry) found.push(snapshot(entry));
      }
      return found.sort(newestFirst);
    },
    async listTokenIds(index) {
      return listTokenIds(index);
    },
    async listExpiringIds(from, to) {
      const ids: string[] = [];
      for (const day of expiryDays(from, to)) {
        for (const [id, exp] of live(indexes, `exp:${day}`)?.members ?? []) {
          if (exp > from && exp <= to) ids.push(id);
        }
      }
      return ids;
    },
    async setTokenState(record, state, at) {
      const entry = live(tokens, record.id);
      if (entry) entry.state = state;
      if (state === "revoked" || state === "rotated") {
        const subject = live(indexes, indexName.subject(record.sub));
        const score = subject?.members.get(record.id);
        if (subject && score !== undefined) subject.members.set(record.id, Math.min(at, score));
      }
    },
    async transitionTokenState(id, from, to, rotatedTo) {
      const entry = live(tokens, id);
      if (!entry || !from.includes(entry.state)) return false;
      entry.state = to;
      if (rotatedTo !== undefined) entry.rotatedTo = rotatedTo;
      return true;
    },
    async decideApproval(id, decision) {
      const entry = live(tokens, id);
      if (entry?.state !== "pending") return false;
      entry.state = decision.verdict === "approved" ? "active" : "revoked";
      entry.decision = decision;
      return true;
    },
    async recordUsage(id, at, ip) {
      const entry = live(tokens, id);
      if (!entry) return;
      entry.lastUsedAt = Math.max(entry.lastUsedAt ?? 0, at);
      if (ip) {
        entry.lastUsedIps = [ip, ...entry.lastUsedIps.filter((known) => known !== ip)].slice(
          0,
          LAST_USED_IPS,
        );
      }
    },
    async updateTokenDetails(id, details) {
      const entry = live(tokens, id);
      if (entry) entry.record = applyDetails(entry.record, details);
    },
  };
}

function snapshot(entry: TokenEntry): StoredToken {
  return {
    record: entry.record,
    state: entry.state,
    lastUsedAt: entry.lastUsedAt,
    lastUsedIps: [...entry.lastUsedIps],
    rotatedTo: entry.rotatedTo,
    ...(entry.decision === undefined ? {} : { decision: entry.decision }),
  };
}

const indexName = {
  subject: (sub: string) => `sub:${sub}`,
  family: (fam: string) => `fam:${fam}`,
  org: (org: string) => `org:${org}`,
  expiry: (exp: number) => `exp:${expiryDay(exp)}`,
};

function indexNameOf(index: TokenIndex): string {
  if ("subject" in index) return indexName.subject(index.subject);
  if ("family" in index) return indexName.family(index.family);
  return indexName.org(index.org);
}
