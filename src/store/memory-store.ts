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
import {
  LAST_USED_IPS,
  type Store,
  type StoredKey,
  type StoredToken,
  type StoreEpoch,
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
}
interface SubjectEntry extends Expiring {
  /** token id → exp in seconds (Infinity when it never expires) */
  members: Map<string, number>;
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
  const keys = new Map<string, StoredKey>(options.initialKeys?.map((key) => [key.kid, key]));
  const lists = new Map<string, ListEntry>();
  const tokens = new Map<string, TokenEntry>();
  const subjects = new Map<string, SubjectEntry>();

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

  function keysChanged(): void {
    options.persistKeys?.([...keys.values()]);
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
      return [...keys.values()];
    },
    async addKey(key, onlyIfNoActive) {
      if (onlyIfNoActive && [...keys.values()].some((k) => k.state === "active")) return false;
      if (keys.has(key.kid)) return false;
      keys.set(key.kid, key);
      keysChanged();
      return true;
    },
    async putKey(key) {
      keys.set(key.kid, key);
      keysChanged();
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

    async saveToken(record, retentionSeconds) {
      const keepUntil = record.exp === null ? null : (record.exp + retentionSeconds) * 1000;
      tokens.set(record.id, {
        record,
        state: "active",
        lastUsedAt: null,
        lastUsedIps: [],
        expiresAt: keepUntil,
      });
      const subject = live(subjects, record.sub) ?? { members: new Map(), expiresAt: keepUntil };
      subject.members.set(record.id, record.exp ?? Number.POSITIVE_INFINITY);
      subject.expiresAt = later(subject.expiresAt, keepUntil);
      subjects.set(record.sub, subject);
    },
    async getToken(id) {
      const entry = live(tokens, id);
      return entry ? snapshot(entry) : null;
    },
    async listTokens(sub) {
      const subject = live(subjects, sub);
      if (!subject) return [];
      const found: StoredToken[] = [];
      for (const id of subject.members.keys()) {
        const entry = live(tokens, id);
        if (entry) found.push(snapshot(entry));
        else subject.members.delete(id);
      }
      return found.sort(
        (a, b) => b.record.created - a.record.created || a.record.id.localeCompare(b.record.id),
      );
    },
    async setTokenState(id, state) {
      const entry = live(tokens, id);
      if (entry) entry.state = state;
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
  };
  return store;
}

function snapshot(entry: TokenEntry): StoredToken {
  return {
    record: entry.record,
    state: entry.state,
    lastUsedAt: entry.lastUsedAt,
    lastUsedIps: [...entry.lastUsedIps],
  };
}
