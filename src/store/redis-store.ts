/**
 * The Redis store (ioredis). Key schema (see the README, "Redis key schema"), with `p` the
 * configured prefix (default `tm:`):
 *
 * | key | type | TTL |
 * | --- | --- | --- |
 * | `p{meta}` | hash: epoch, list_size, seq | none |
 * | `p{keys}` | hash: kid → key JSON (private part as JWE) | none |
 * | `p{keys}:exp` | hash: kid → latest exp signed (seconds, or `inf`) | none (deleted with the key) |
 * | `p{keys}:version` | string: keyring version, bumped by every key change | none |
 * | `p{keys}:changed` | pub/sub channel: the new version after every key change | (channel) |
 * | `psl:{<list>}` | string: the packed 2-bit status list | latest exp + retention, up to the hour |
 * | `ptok:{<id>}` | hash: one short field per claim, state, last use (see token-hash.ts) | exp + retention |
 * | `psub:{<sub>}` | zset: token id scored by exp (by when it ended, once revoked or rotated) | latest exp + retention |
 * | `pfam:{<fam>}` | zset: the tokens rotation added to a family, scored by exp | latest exp + retention |
 * | `porgsub:{<org>}` | set: the subjects with tokens of the org | latest exp + retention |
 * | `pexpsub:{<day>}` | set: the subjects with tokens expiring that UTC day | end of day + 8 days |
 *
 * Every Redis failure becomes {@link StoreUnavailable}, so the issuer answers 503 and fails closed.
 * Writes that take power away (revoked or suspended status bits and states, rotation, a revoked
 * signing key) wait for replicas first (see redis-durability.ts) or fail with `StoreNotDurable`.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: "redis://127.0.0.1:6379" });
 * ```
 * @module
 */
import type { ChainableCommander } from "ioredis";
import { StoreUnavailable, TokenmintError } from "../errors.js";
import { randomSlug } from "../random.js";
import { readStatus } from "../status/bits.js";
import {
  connectOnce,
  createRedisClient,
  type RedisAuth,
  type RedisClient,
  type RedisTarget,
} from "./redis-connection.js";
import { createDurableWrites, type ReplicaWait } from "./redis-durability.js";
import {
  ADD_KEY,
  CHECK_EPOCH,
  COUNT_HIT,
  INDEX_MEMBER,
  INDEX_TOKEN,
  NEXT_SEQUENCE,
  NOTE_KEY_USE,
  OPEN_EPOCH,
  PREPARE_LIST,
  PUT_KEY,
  READ_KEYRING,
  READ_TOKEN,
  RECORD_USAGE,
  RESERVE_SUBJECT_SLOT,
  SAVE_TOKEN,
  SEED_ORG_CELLS,
  SET_ORG_CELL,
  SET_STATUS,
  SET_TOKEN_STATE,
  TRANSITION_TOKEN_STATE,
  UPDATE_KEYS,
  UPDATE_TOKEN_DETAILS,
} from "./redis-scripts.js";
import { bitfieldSlot, parseListId, refForSequence } from "./status-layout.js";
import { IP_FIELDS, orgOfHash, parseTokenHash, tokenHashFields } from "./token-hash.js";
import {
  expiryDay,
  expiryDays,
  expiryIndexDeadline,
  familyMembers,
  keepUntilOf,
  needsFamilyIndex,
  newestFirst,
} from "./token-indexes.js";
import {
  type AuditEvent,
  type KeyringSnapshot,
  type Store,
  type StoredKey,
  type StoredToken,
  type StoreEpoch,
  type TokenRecord,
  TokenStatus,
  type TokenStatusValue,
} from "./types.js";

/**
 * Options of {@link createRedisStore}: where Redis is (`url`, `clusterNodes`, or `sentinels` +
 * `sentinelName`) and how to use it.
 */
export type RedisStoreOptions = RedisTarget & RedisStoreSettings;

/** How the store uses Redis. */
export interface RedisStoreSettings {
  /** Prefix of every key (default `tm:`); lets several deployments or tests share one Redis. */
  readonly prefix?: string;
  /** Upper bound for one command and for connecting, in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Node credentials for Cluster and Sentinel deployments. */
  readonly auth?: RedisAuth;
  /**
   * How many replicas must acknowledge a revocation-class write before it is acknowledged
   * (default `auto`: one when the primary has a replica, none on a lone primary; 0: never wait).
   */
  readonly waitReplicas?: ReplicaWait;
  /** How long such a write waits for them, in milliseconds (default 1000, below `timeoutMs`). */
  readonly waitTimeoutMs?: number;
}

const SCRIPTS = {
  tmOpenEpoch: [1, OPEN_EPOCH],
  tmNextSequence: [1, NEXT_SEQUENCE],
  tmCheckEpoch: [1, CHECK_EPOCH],
  tmPrepareList: [1, PREPARE_LIST],
  tmSetStatus: [1, SET_STATUS],
  tmSaveToken: [1, SAVE_TOKEN],
  tmReadToken: [1, READ_TOKEN],
  tmIndexToken: [1, INDEX_TOKEN],
  tmIndexMember: [1, INDEX_MEMBER],
  tmSetTokenState: [1, SET_TOKEN_STATE],
  tmRecordUsage: [1, RECORD_USAGE],
  tmAddKey: [3, ADD_KEY],
  tmPutKey: [3, PUT_KEY],
  tmUpdateKeys: [3, UPDATE_KEYS],
  tmReadKeyring: [3, READ_KEYRING],
  tmNoteKeyUse: [2, NOTE_KEY_USE],
  tmReserveSubjectSlot: [1, RESERVE_SUBJECT_SLOT],
  tmTransitionTokenState: [1, TRANSITION_TOKEN_STATE],
  tmUpdateTokenDetails: [1, UPDATE_TOKEN_DETAILS],
  tmSetOrgCell: [2, SET_ORG_CELL],
  tmCountHit: [1, COUNT_HIT],
  tmSeedOrgCells: [2, SEED_ORG_CELLS],
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptRunner = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** Unix seconds as the scripts take them: "0" for forever. */
function deadlineArg(seconds: number | null): string {
  return seconds === null ? "0" : String(seconds);
}

/**
 * Creates a store on Redis. Call `open()` before use; it connects and checks the epoch.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: process.env.REDIS_URL!, prefix: "tm:" });
 * await store.open(131072);
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): Store {
  const prefix = options.prefix ?? "tm:";
  const timeoutMs = options.timeoutMs ?? 2000;
  const redis: RedisClient = createRedisClient(options, {
    timeoutMs,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }
  const durable = createDurableWrites(redis, options, {
    replicas: options.waitReplicas ?? "auto",
    timeoutMs: options.waitTimeoutMs ?? Math.min(1000, Math.floor(timeoutMs / 2)),
    commandTimeoutMs: timeoutMs,
    ...(options.auth ? { auth: options.auth } : {}),
  });

  const key = {
    meta: `${prefix}{meta}`,
    keys: `${prefix}{keys}`,
    keyExps: `${prefix}{keys}:exp`,
    keysVersion: `${prefix}{keys}:version`,
    list: (list: string) => `${prefix}sl:{${list}}`,
    token: (id: string) => `${prefix}tok:{${id}}`,
    subject: (sub: string) => `${prefix}sub:{${sub}}`,
    family: (fam: string) => `${prefix}fam:{${fam}}`,
    /** The first layout: every token of an org (zset); read until it expires. */
    legacyOrg: (org: string) => `${prefix}org:{${org}}`,
    /** The first layout: every token expiring on a UTC day (zset); read until it expires. */
    legacyExpiryDay: (day: number) => `${prefix}exp:{${day}}`,
    orgSubjects: (org: string) => `${prefix}orgsub:{${org}}`,
    expirySubjects: (day: number) => `${prefix}expsub:{${day}}`,
    once: (name: string) => `${prefix}once:{${name}}`,
    hits: (name: string, window: number) => `${prefix}rl:{${name}}:${window}`,
    /** The pub/sub channel of keyring changes (see {@link createRedisKeyChangeFeed}). */
    keysChanged: keysChangedChannel(prefix),
    audit: `${prefix}{audit}`,
    routes: `${prefix}{routes}`,
    routesVersion: `${prefix}{routes}:version`,
  };
  const keyring = [key.keys, key.keyExps, key.keysVersion] as const;
  let epoch: StoreEpoch | null = null;
  /** Status lists this instance created or extended, and until when (seconds; ∞: no TTL). */
  const preparedLists = new Map<string, number>();

  /** Runs a Redis call; any failure leaves as StoreUnavailable. */
  async function call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof TokenmintError) throw error;
      const lost = error instanceof Error && error.message.includes("EPOCH_LOST");
      throw new StoreUnavailable(
        lost ? "The store's data was lost (epoch changed); refusing to continue" : undefined,
        { cause: error },
      );
    }
  }

  function script(name: ScriptName): ScriptRunner {
    return (redis as unknown as Record<ScriptName, ScriptRunner>)[name].bind(redis);
  }

  /**
   * A write that takes power away: as usual on a lone primary; else on the waiting connection,
   * acknowledged once enough replicas hold it (`StoreNotDurable` otherwise). `key` names the slot.
   */
  async function durably(
    key: string,
    plain: () => Promise<unknown>,
    queued: (pipeline: ChainableCommander) => void,
  ): Promise<unknown> {
    const replicas = await durable.replicasFor(key);
    if (replicas === 0) return plain();
    const [reply] = await durable.write(key, replicas, queued);
    return reply;
  }

  /** Runs script `name` on `keys` (one hash tag) with {@link durably}. */
  function durableScript(name: ScriptName, keys: string[], args: (string | number)[]) {
    const [, lua] = SCRIPTS[name];
    // EVAL, not EVALSHA: a NOSCRIPT retry would land after the WAIT queued behind the script.
    return durably(
      keys[0] as string,
      () => script(name)(...keys, ...args),
      (pipeline) => pipeline.eval(lua, keys.length, ...keys, ...args),
    );
  }

  function opened(): StoreEpoch {
    if (!epoch) throw new StoreUnavailable("The store was not opened");
    return epoch;
  }

  /** A token's hash (see {@link READ_TOKEN}), parsed; null when there is no record. */
  async function readToken(id: string): Promise<StoredToken | null> {
    const json = (await script("tmReadToken")(key.token(id))) as string | null;
    if (json === null) return null;
    const pairs = JSON.parse(json) as string[];
    const hash: Record<string, string> = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] as string] = pairs[i + 1] as string;
    return parseTokenHash(id, hash, opened());
  }

  /**
   * The ids of an org's tokens: its subjects' tokens whose record names the org (the org index
   * lists subjects, not tokens), plus the org's index of the old layout while it lasts.
   */
  async function orgTokenIds(org: string): Promise<string[]> {
    const [subjects, legacy] = await call(() =>
      Promise.all([
        redis.smembers(key.orgSubjects(org)),
        redis.zrange(key.legacyOrg(org), "0", "-1"),
      ]),
    );
    const candidates = [...new Set([...(await subjectTokenIds(subjects)), ...legacy])];
    const orgs = await call(() =>
      Promise.all(candidates.map((id) => redis.hmget(key.token(id), "o", "r"))),
    );
    return candidates.filter((_, i) => {
      const [stored, legacyJson] = orgs[i] ?? [null, null];
      return orgOfHash(stored ?? null, legacyJson ?? null) === org;
    });
  }

  /** Every token id in the indexes of `subjects`, optionally only those scored in `(from, to]`. */
  async function subjectTokenIds(
    subjects: readonly string[],
    range?: { from: number; to: number },
  ): Promise<string[]> {
    const perSubject = await call(() =>
      Promise.all(
        subjects.map((sub) =>
          range
            ? redis.zrangebyscore(key.subject(sub), `(${range.from}`, String(range.to))
            : redis.zrange(key.subject(sub), "0", "-1"),
        ),
      ),
    );
    return perSubject.flat();
  }

  async function readKeyring(): Promise<KeyringSnapshot> {
    const [version, records, exps] = (await call(() => script("tmReadKeyring")(...keyring))) as [
      string,
      string[],
      string[],
    ];
    const latest = new Map<string, number | null>();
    for (let i = 0; i + 1 < exps.length; i += 2) {
      latest.set(exps[i] as string, exps[i + 1] === "inf" ? null : Number(exps[i + 1]));
    }
    const keys = records.map((raw) => {
      const stored = JSON.parse(raw) as StoredKey;
      const exp = latest.get(stored.kid);
      return exp === undefined ? stored : { ...stored, latestExp: exp };
    });
    return { version: Number(version), keys };
  }

  return {
    async open(listSize) {
      return call(async () => {
        await connectOnce(redis);
        const [id, size] = (await script("tmOpenEpoch")(key.meta, randomSlug(10), listSize)) as [
          string,
          string,
        ];
        if (epoch && epoch.id !== id) {
          throw new StoreUnavailable("The store's data was lost (epoch changed)");
        }
        epoch = { id, listSize: Number(size) };
        const warnings = await riskySettings(redis);
        return warnings.length > 0 ? { ...epoch, warnings } : epoch;
      });
    },
    async ping() {
      const { id } = opened();
      await call(() => script("tmCheckEpoch")(key.meta, id));
    },
    async close() {
      durable.close();
      redis.disconnect();
    },

    async listKeys() {
      return (await readKeyring()).keys;
    },
    readKeyring,
    async addKey(stored, onlyIfNoActive) {
      const added = await call(() =>
        script("tmAddKey")(
          ...keyring,
          key.keysChanged,
          stored.kid,
          recordJson(stored),
          onlyIfNoActive ? "1" : "0",
        ),
      );
      return added === 1;
    },
    async putKey(stored) {
      const args = [key.keysChanged, stored.kid, recordJson(stored)];
      await call(() =>
        stored.state === "revoked"
          ? durableScript("tmPutKey", [...keyring], args)
          : script("tmPutKey")(...keyring, ...args),
      );
    },
    async updateKeys(version, change) {
      const puts = change.put.flatMap((stored) => [stored.kid, recordJson(stored)]);
      const args = [key.keysChanged, version, change.put.length, ...puts, ...change.remove];
      const applied = await call(() =>
        change.put.some((stored) => stored.state === "revoked")
          ? durableScript("tmUpdateKeys", [...keyring], args)
          : script("tmUpdateKeys")(...keyring, ...args),
      );
      return applied === 1;
    },
    async noteKeyUse(kid, exp) {
      const arg = exp === undefined ? "" : exp === null ? "inf" : String(exp);
      const noted = await call(() => script("tmNoteKeyUse")(key.keys, key.keyExps, kid, arg));
      return noted === 1;
    },

    async allocateStatus(keepUntil) {
      const { id, listSize } = opened();
      const seq = Number(await call(() => script("tmNextSequence")(key.meta, id)));
      const ref = refForSequence(id, listSize, seq);
      // A list this instance prepared to live long enough needs no second round trip: its TTL
      // only ever grows, and a lost store fails the epoch check above first.
      const deadline = listDeadline(keepUntil);
      const prepared = preparedLists.get(ref.list);
      if (prepared === undefined || prepared < deadline) {
        await call(() =>
          script("tmPrepareList")(
            key.list(ref.list),
            listSize / 4,
            deadlineArg(deadline === Number.POSITIVE_INFINITY ? null : deadline),
          ),
        );
        if (preparedLists.size >= PREPARED_LISTS_REMEMBERED) preparedLists.clear();
        preparedLists.set(ref.list, deadline);
      }
      return ref;
    },
    async setStatus(ref, status) {
      const args = [bitfieldSlot(ref.idx), String(status)];
      await call(() =>
        status === TokenStatus.valid
          ? script("tmSetStatus")(key.list(ref.list), ...args)
          : durableScript("tmSetStatus", [key.list(ref.list)], args),
      );
    },
    async getStatus(ref) {
      // One byte holds the entry: one command answers both whether the list exists (lists are
      // created at full length) and the entry itself.
      const byteOffset = Math.floor(ref.idx / 4);
      const bytes = await call(() =>
        redis.getrangeBuffer(key.list(ref.list), byteOffset, byteOffset),
      );
      // A list that is gone cannot vouch for anyone: read it as revoked (fail closed).
      if (bytes.length !== 1) return TokenStatus.revoked;
      return readStatus(bytes, 2, ref.idx % 4) as TokenStatusValue;
    },
    async readStatusList(list) {
      const { id, listSize } = opened();
      const parsed = parseListId(list);
      if (!parsed || parsed.epoch !== id) return null;
      const [seq, raw] = await call(() =>
        Promise.all([script("tmCheckEpoch")(key.meta, id), redis.getBuffer(key.list(list))]),
      );
      if (parsed.n >= Math.ceil(Number(seq) / listSize)) return null;
      const bytes = new Uint8Array(listSize / 4);
      if (raw) bytes.set(raw.subarray(0, bytes.length));
      return bytes;
    },

    async reserveSubjectSlot(record, now, maxLive, retentionSeconds) {
      const added = await call(() =>
        script("tmReserveSubjectSlot")(
          key.subject(record.sub),
          record.id,
          scoreArg(record),
          now,
          maxLive,
          now - retentionSeconds,
          deadlineArg(keepUntilOf(record, retentionSeconds)),
        ),
      );
      return added === 1;
    },
    async saveToken(record, retentionSeconds) {
      const until = deadlineArg(keepUntilOf(record, retentionSeconds));
      // The record and its indexes go out together; readers skip index entries without a record.
      // Org and expiry indexes list subjects, whose own index (written by reserveSubjectSlot)
      // lists the tokens: one entry per subject, not per token.
      const writes: Promise<unknown>[] = [
        script("tmSaveToken")(key.token(record.id), until, ...tokenHashFields(record, opened())),
      ];
      if (needsFamilyIndex(record)) {
        writes.push(
          script("tmIndexToken")(key.family(record.fam), record.id, scoreArg(record), until),
        );
      }
      if (record.org !== undefined) {
        writes.push(script("tmIndexMember")(key.orgSubjects(record.org), record.sub, until));
      }
      if (record.exp !== null) {
        writes.push(
          script("tmIndexMember")(
            key.expirySubjects(expiryDay(record.exp)),
            record.sub,
            expiryIndexDeadline(record.exp),
          ),
        );
      }
      await call(() => Promise.all(writes));
    },
    async getToken(id) {
      return call(() => readToken(id));
    },
    async listTokens(sub) {
      const ids = await call(() => redis.zrange(key.subject(sub), "0", "-1"));
      const tokens = await call(() => Promise.all(ids.map(readToken)));
      return tokens.filter((token) => token !== null).sort(newestFirst);
    },
    async listTokenIds(index) {
      if ("org" in index) return orgTokenIds(index.org);
      if ("family" in index) {
        const ids = await call(() => redis.zrange(key.family(index.family), "0", "-1"));
        return familyMembers(index.family, ids);
      }
      return call(() => redis.zrange(key.subject(index.subject), "0", "-1"));
    },
    async listExpiringIds(from, to) {
      const days = expiryDays(from, to);
      const [subjects, legacy] = await call(() =>
        Promise.all([
          Promise.all(days.map((day) => redis.smembers(key.expirySubjects(day)))),
          Promise.all(
            days.map((day) =>
              redis.zrangebyscore(key.legacyExpiryDay(day), `(${from}`, String(to)),
            ),
          ),
        ]),
      );
      // A subject's index scores a live token by its exp (an ended one by when it ended, which
      // lies before `from`): the subjects' entries in the window are the tokens expiring in it.
      const fromSubjects = await subjectTokenIds([...new Set(subjects.flat())], { from, to });
      return [...new Set([...fromSubjects, ...legacy.flat()])];
    },
    async setTokenState(record, state, at) {
      if (state === "active") {
        await call(() => script("tmSetTokenState")(key.token(record.id), state));
        return;
      }
      const subject = key.subject(record.sub);
      const ends = state === "revoked" || state === "rotated";
      // The record and the subject index live on different slots: both wait, side by side.
      await call(() =>
        Promise.all([
          durableScript("tmSetTokenState", [key.token(record.id)], [state]),
          ends
            ? durably(
                subject,
                () => redis.zadd(subject, "XX", "LT", at, record.id),
                (pipeline) => pipeline.zadd(subject, "XX", "LT", at, record.id),
              )
            : undefined,
        ]),
      );
    },
    async transitionTokenState(id, from, to, rotatedTo) {
      const args = [to, rotatedTo ?? "", ...from];
      const moved = await call(() =>
        to === "active"
          ? script("tmTransitionTokenState")(key.token(id), ...args)
          : durableScript("tmTransitionTokenState", [key.token(id)], args),
      );
      return moved === 1;
    },
    async updateTokenDetails(id, details) {
      await call(() => script("tmUpdateTokenDetails")(key.token(id), JSON.stringify(details)));
    },
    async recordUsage(id, at, ip) {
      await call(() => script("tmRecordUsage")(key.token(id), at, ip ?? "", ...IP_FIELDS));
    },

    async claimOnce(name, ttlSeconds) {
      const set = await call(() => redis.set(key.once(name), "1", "EX", ttlSeconds, "NX"));
      return set === "OK";
    },
    async countHit(name, now, windowSeconds) {
      const window = Math.floor(now / windowSeconds);
      const counter = key.hits(name, window);
      // One script, not MULTI/INCR/EXPIRE/EXEC: one command for the client to build and parse.
      return Number(await call(() => script("tmCountHit")(counter, windowSeconds + 1)));
    },
    async appendAudit(event, maxLength) {
      const id = await call(() =>
        redis.xadd(key.audit, "MAXLEN", "~", maxLength, "*", "e", JSON.stringify(event)),
      );
      return String(id);
    },
    async readAudit({ before, count }) {
      const entries = await call(() =>
        redis.xrevrange(key.audit, before === undefined ? "+" : `(${before}`, "-", "COUNT", count),
      );
      return entries.map(([id, fields]) => ({
        ...(JSON.parse(fields[1] ?? "{}") as AuditEvent),
        id,
      }));
    },

    async readOrgCells() {
      const [cells, version] = await call(() =>
        Promise.all([redis.hgetall(key.routes), redis.get(key.routesVersion)]),
      );
      return { version: Number(version ?? 0), cells };
    },
    async getOrgCell(org) {
      return (await call(() => redis.hget(key.routes, org))) ?? undefined;
    },
    async setOrgCell(org, cell) {
      return Number(
        await call(() => script("tmSetOrgCell")(key.routes, key.routesVersion, org, cell)),
      );
    },
    async seedOrgCells(cells) {
      const pairs = Object.entries(cells).flat();
      if (pairs.length === 0) return;
      await call(() => script("tmSeedOrgCells")(key.routes, key.routesVersion, ...pairs));
    },
  };
}

/** The pub/sub channel on which the keyring version is published after every change. */
export function keysChangedChannel(prefix: string): string {
  return `${prefix}{keys}:changed`;
}

/** A key's record as stored: `latestExp` lives in its own hash, raised by the signing gate. */
function recordJson(stored: StoredKey): string {
  const { latestExp: _latest, ...record } = stored;
  return JSON.stringify(record);
}

/**
 * Reads the Redis settings that decide whether a revocation can be lost: an eviction policy other
 * than `noeviction` may drop status lists and records under memory pressure, and without AOF a
 * restart forgets every write since the last snapshot. Managed services that forbid `CONFIG`
 * answer nothing here.
 */
async function riskySettings(redis: RedisClient): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as string[];
    if (policy && policy !== "noeviction") {
      warnings.push(
        `maxmemory-policy is ${policy}: Redis may evict status lists and token records; use noeviction`,
      );
    }
    const [, aof] = (await redis.config("GET", "appendonly")) as string[];
    if (aof === "no") {
      warnings.push(
        "appendonly is off: a Redis restart loses recent revocations; use appendonly yes",
      );
    }
  } catch {
    // CONFIG is disabled (managed Redis) or not routable (Cluster): nothing to report.
  }
  return warnings;
}

/** Status lists are remembered as prepared for this many lists at most (each is one entry). */
const PREPARED_LISTS_REMEMBERED = 64;
/** A list's TTL is extended in steps of this many seconds, so most mints need not extend it. */
const LIST_DEADLINE_STEP = 3600;

/** The deadline a status list is given for a token kept until `keepUntil` (null: forever). */
function listDeadline(keepUntil: number | null): number {
  return keepUntil === null
    ? Number.POSITIVE_INFINITY
    : Math.ceil(keepUntil / LIST_DEADLINE_STEP) * LIST_DEADLINE_STEP;
}

/** The index score of a record as Redis takes it. */
function scoreArg(record: Pick<TokenRecord, "exp">): string {
  return record.exp === null ? "+inf" : String(record.exp);
}
