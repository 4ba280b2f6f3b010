/**
 * The embedded store: everything in this process's memory, with the same semantics and TTLs as
 * the Redis store (expiry follows the injected clock). State is lost when the process exits,
 * except the keyring when `persistKeys` is given.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({ clock: () => Date.now() });
 * await store.open(131072);
 * ```
 * @module
 */
import { type Clock, systemClock } from "../clock.js";
import { StoreUnavailable } from "../errors.js";
import { randomSlug } from "../random.js";
import { readStatusBits, writeStatusBits } from "../status/bits.js";
import { parseListId, refForSequence } from "./status-layout.js";
import { applyDetails } from "./token-details.js";
import {
  expiryDay,
  expiryDays,
  expiryIndexDeadline,
  familyMembers,
  keepUntilOf,
  needsFamilyIndex,
  newestFirst,
  scoreOf,
} from "./token-indexes.js";
import {
  type AuditEntry,
  LAST_USED_IPS,
  type Store,
  type StoredKey,
  type StoredToken,
  type StoreEpoch,
  type TokenIndex,
  type TokenRecord,
  type TokenState,
  TokenStatus,
  type TokenStatusValue,
} from "./types.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  readonly clock?: Clock;
  /** Keys to start with (e.g. loaded from a dev keyring file). */
  readonly initialKeys?: readonly StoredKey[];
  /** Called with every key after each keyring change, to persist it. */
  readonly persistKeys?: (keys: StoredKey[]) => void;
}

interface Expiring {
  /** Milliseconds since the epoch, or null for no TTL. */
  expiresAt: number | null;
}
interface ListEntry extends Expiring {
  bytes: Uint8Array;
}
interface TokenEntry extends Expiring {
  record: TokenRecord;
  state: TokenState;
  lastUsedAt: number | null;
  lastUsedIps: string[];
  rotatedTo: string | null;
}
interface IndexEntry extends Expiring {
  /** token id → score: exp in seconds (Infinity when it never expires), or when it stopped being live */
  members: Map<string, number>;
}
interface CounterEntry extends Expiring {
  count: number;
}

/** Converts "keep until `seconds`" into a millisecond deadline (null stays forever). */
function deadline(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}

/** The later of two deadlines, where null means never. */
function later(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

/**
 * Creates the in-memory store.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  let epoch: StoreEpoch | null = null;
  let sequence = 0;
  const keys = new Map<string, StoredKey>(
    options.initialKeys?.map((key) => [key.kid, withoutLatestExp(key)]),
  );
  const latestExps = new Map<string, number | null>();
  for (const key of options.initialKeys ?? []) {
    if (key.latestExp !== undefined) latestExps.set(key.kid, key.latestExp);
  }
  let keysVersion = 0;
  const lists = new Map<string, ListEntry>();
  const tokens = new Map<string, TokenEntry>();
  const indexes = new Map<string, IndexEntry>();
  const counters = new Map<string, CounterEntry>();
  const audit: AuditEntry[] = [];
  const orgCells = new Map<string, string>();
  let orgCellsVersion = 0;
  let auditSequence = 0;

  function addToIndex(name: string, id: string, score: number, keepUntil: number | null): void {
    const entry = live(indexes, name) ?? { members: new Map(), expiresAt: keepUntil };
    entry.members.set(id, score);
    entry.expiresAt = later(entry.expiresAt, keepUntil);
    indexes.set(name, entry);
  }

  function live<T extends Expiring>(map: Map<string, T>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= clock()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  function opened(): StoreEpoch {
    if (!epoch) throw new StoreUnavailable("The store was not opened");
    return epoch;
  }

  function persist(): void {
    if (!options.persistKeys) return;
    options.persistKeys(
      [...keys.values()].map((key) =>
        latestExps.has(key.kid) ? { ...key, latestExp: latestExps.get(key.kid) ?? null } : key,
      ),
    );
  }

  function keysChanged(): void {
    keysVersion += 1;
    persist();
  }

  const store: Store = {
    async open(listSize) {
      epoch ??= { id: randomSlug(10), listSize };
      return epoch;
    },
    async ping() {
      opened();
    },
    async close() {},

    async listKeys() {
      return (await store.readKeyring()).keys;
    },
    async readKeyring() {
      const records = [...keys.values()].map((key) =>
        latestExps.has(key.kid) ? { ...key, latestExp: latestExps.get(key.kid) ?? null } : key,
      );
      return { version: keysVersion, keys: records };
    },
    async addKey(key, onlyIfNoActive) {
      if (onlyIfNoActive && [...keys.values()].some((k) => k.state === "active")) return false;
      if (keys.has(key.kid)) return false;
      keys.set(key.kid, withoutLatestExp(key));
      keysChanged();
      return true;
    },
    async putKey(key) {
      keys.set(key.kid, withoutLatestExp(key));
      keysChanged();
    },
    async updateKeys(version, change) {
      if (version !== keysVersion) return false;
      for (const key of change.put) keys.set(key.kid, withoutLatestExp(key));
      for (const kid of change.remove) {
        keys.delete(kid);
        latestExps.delete(kid);
      }
      keysChanged();
      return true;
    },
    async noteKeyUse(kid, exp) {
      if (keys.get(kid)?.state !== "active") return false;
      if (exp === undefined) return true;
      const current = latestExps.get(kid);
      if (current === null) return true;
      if (exp === null || current === undefined || exp > current) {
        latestExps.set(kid, exp);
        persist();
      }
      return true;
    },

    async allocateStatus(keepUntil) {
      const { id, listSize } = opened();
      sequence += 1;
      const ref = refForSequence(id, listSize, sequence);
      const entry = live(lists, ref.list);
      if (entry) {
        entry.expiresAt = later(entry.expiresAt, deadline(keepUntil));
      } else {
        lists.set(ref.list, {
          bytes: new Uint8Array(listSize / 4),
          expiresAt: deadline(keepUntil),
        });
      }
      return ref;
    },
    async setStatus(ref, status) {
      const entry = live(lists, ref.list);
      if (entry) writeStatusBits(entry.bytes, ref.idx, status);
    },
    async getStatus(ref) {
      const entry = live(lists, ref.list);
      // A list that is gone cannot vouch for anyone: read it as revoked (fail closed), like Redis.
      if (!entry) return TokenStatus.revoked;
      return readStatusBits(entry.bytes, ref.idx) as TokenStatusValue;
    },
    async readStatusList(list) {
      const { id, listSize } = opened();
      const parsed = parseListId(list);
      if (!parsed || parsed.epoch !== id) return null;
      const entry = live(lists, list);
      if (entry) return entry.bytes.slice();
      // Allocated lists whose every token has long expired read as all-valid, like Redis.
      const allocatedLists = Math.ceil(sequence / listSize);
      return parsed.n < allocatedLists ? new Uint8Array(listSize / 4) : null;
    },

    async reserveSubjectSlot(record, now, maxLive, retentionSeconds) {
      const name = indexName.subject(record.sub);
      const entry = live(indexes, name);
      if (entry) {
        for (const [id, score] of entry.members) {
          if (score < now - retentionSeconds) entry.members.delete(id);
        }
        const liveCount = [...entry.members.values()].filter((score) => score > now).length;
        if (liveCount >= maxLive) return false;
      }
      addToIndex(name, record.id, scoreOf(record), deadline(keepUntilOf(record, retentionSeconds)));
      return true;
    },
    async saveToken(record, retentionSeconds) {
      const keepUntil = deadline(keepUntilOf(record, retentionSeconds));
      tokens.set(record.id, {
        record,
        state: "active",
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
    async listTokens(sub) {
      const ids = await store.listTokenIds({ subject: sub });
      const found: StoredToken[] = [];
      for (const id of ids) {
        const entry = live(tokens, id);
        if (entry) found.push(snapshot(entry));
      }
      return found.sort(newestFirst);
    },
    async listTokenIds(index) {
      const ids = [...(live(indexes, indexNameOf(index))?.members.keys() ?? [])];
      return "family" in index ? familyMembers(index.family, ids) : ids;
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

    async claimOnce(name, ttlSeconds) {
      if (live(counters, `once:${name}`)) return false;
      counters.set(`once:${name}`, { count: 1, expiresAt: clock() + ttlSeconds * 1000 });
      return true;
    },
    async countHit(name, now, windowSeconds) {
      const window = Math.floor(now / windowSeconds);
      const key = `rl:${name}:${window}`;
      const entry = live(counters, key) ?? {
        count: 0,
        expiresAt: (window + 1) * windowSeconds * 1000 + 1000,
      };
      entry.count += 1;
      counters.set(key, entry);
      return entry.count;
    },
    async appendAudit(event, maxLength) {
      auditSequence += 1;
      const entry = { ...event, id: `${clock()}-${auditSequence}` };
      audit.push(entry);
      if (audit.length > maxLength) audit.splice(0, audit.length - maxLength);
      return entry.id;
    },
    async readAudit({ before, count }) {
      const older =
        before === undefined ? audit : audit.filter((entry) => compareIds(entry.id, before) < 0);
      return older.slice(-count).reverse();
    },

    async readOrgCells() {
      return { version: orgCellsVersion, cells: Object.fromEntries(orgCells) };
    },
    async getOrgCell(org) {
      return orgCells.get(org);
    },
    async setOrgCell(org, cell) {
      orgCells.set(org, cell);
      orgCellsVersion += 1;
      return orgCellsVersion;
    },
    async seedOrgCells(cells) {
      const missing = Object.entries(cells).filter(([org]) => !orgCells.has(org));
      if (missing.length === 0) return;
      for (const [org, cell] of missing) orgCells.set(org, cell);
      orgCellsVersion += 1;
    },
  };
  return store;
}

/** The record without `latestExp`, which is kept apart (as in Redis). */
function withoutLatestExp(key: StoredKey): StoredKey {
  const { latestExp: _latest, ...record } = key;
  return record;
}

function snapshot(entry: TokenEntry): StoredToken {
  return {
    record: entry.record,
    state: entry.state,
    lastUsedAt: entry.lastUsedAt,
    lastUsedIps: [...entry.lastUsedIps],
    rotatedTo: entry.rotatedTo,
  };
}

/** Compares two `<ms>-<seq>` stream ids. */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
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
