/**
 * The storage interface of the issuer and the records it keeps. Two implementations honour the
 * same contract: {@link createMemoryStore} (embedded default, one process) and
 * {@link createRedisStore} (ioredis). Every record carries a TTL where it can.
 * @module
 */

/** The status values of the Token Status List (2 bits per token). */
export const TokenStatus = { valid: 0, revoked: 1, suspended: 2 } as const;
/** One of the values of {@link TokenStatus}. */
export type TokenStatusValue = (typeof TokenStatus)[keyof typeof TokenStatus];

/** Where a token's status lives: a list id and an index in it. */
export interface StatusRef {
  readonly list: string;
  readonly idx: number;
}

/** A token's lifecycle state as the issuer records it. */
export type TokenState = "active" | "revoked" | "suspended" | "rotated";

/** The immutable facts about a minted token (never the token itself). */
export interface TokenRecord {
  readonly id: string;
  readonly sub: string;
  readonly name: string;
  readonly description?: string;
  readonly scope: readonly string[];
  readonly permissions?: Readonly<Record<string, readonly string[]>>;
  readonly org?: string;
  readonly cell?: string;
  readonly aud: readonly string[];
  readonly client_id: string;
  readonly fam: string;
  readonly kid: string;
  readonly status: StatusRef;
  /** Seconds since the epoch. */
  readonly created: number;
  /** Seconds since the epoch, or null for a non-expiring token. */
  readonly exp: number | null;
}

/** A stored token: its record, current state and last use. */
export interface StoredToken {
  readonly record: TokenRecord;
  readonly state: TokenState;
  /** Seconds since the epoch of the last recorded use, if any. */
  readonly lastUsedAt: number | null;
  /** The last few distinct client IPs, newest first. */
  readonly lastUsedIps: readonly string[];
  /** For a rotated-out token: the id of the token that replaced it. */
  readonly rotatedTo: string | null;
}

/** The parts of a token record that can change in place. */
export interface TokenDetails {
  readonly name?: string;
  readonly description?: string | null;
}

/** The indexes a token id can be found by. */
export type TokenIndex =
  | { readonly subject: string }
  | { readonly family: string }
  | { readonly org: string };

/** One audit event: who did what to which token (never the token itself). */
export interface AuditEvent {
  readonly type: string;
  /** Seconds since the epoch. */
  readonly at: number;
  readonly actor: string;
  readonly sub?: string;
  readonly org?: string;
  readonly jti?: string;
  readonly reason?: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** An audit event as stored, with its stream id (ordered, usable as a pagination cursor). */
export interface AuditEntry extends AuditEvent {
  readonly id: string;
}

/** Lifecycle of a signing key. */
export type KeyState = "next" | "active" | "retired" | "revoked";

/** A signing key as stored: public JWK in the clear, private JWK only as a JWE. */
export interface StoredKey {
  readonly kid: string;
  readonly alg: string;
  readonly state: KeyState;
  readonly publicJwk: Readonly<Record<string, unknown>>;
  /**
   * The private JWK, encrypted (compact JWE under a key-encryption key). Dropped when the key is
   * revoked: a compromised key is never needed again.
   */
  readonly privateJwe?: string;
  /** Seconds since the epoch (a `next` key is published from then on). */
  readonly createdAt: number;
  readonly activatedAt?: number;
  readonly retiredAt?: number;
  readonly revokedAt?: number;
  /**
   * The latest `exp` of any token signed with the key (seconds); `null` once it signed a token
   * without expiry (the key then stays published for good); absent while it signed none. Kept
   * apart from the key's record: {@link Store.noteKeyUse} raises it, writes of the record ignore it.
   */
  readonly latestExp?: number | null;
}

/** The keyring as read at one instant, with its version (bumped by every key change). */
export interface KeyringSnapshot {
  readonly version: number;
  readonly keys: StoredKey[];
}

/** One atomic change of the keyring: records to write (whole) and kids to delete. */
export interface KeyringChange {
  readonly put: readonly StoredKey[];
  readonly remove: readonly string[];
}

/**
 * Notices that the keyring changed somewhere (Redis pub/sub). Optional: without one, instances
 * see changes by re-reading the keyring (polling).
 */
export interface KeyChangeFeed {
  /**
   * Calls `listener` after every keyring change made by any instance, and after every
   * (re)connection of the feed (a notice may have been missed while it was down).
   */
  subscribe(listener: () => void): void;
  /** Stops listening and releases the connection. */
  close(): Promise<void>;
}

/** Identity and layout of the store's data generation (see the README, "epoch"). */
export interface StoreEpoch {
  /** Random id created with the store's data; a new one means the data was lost. */
  readonly id: string;
  /** Entries per status list, fixed for the life of the epoch. */
  readonly listSize: number;
  /** Settings of the backend that put revocations at risk (e.g. an evicting Redis). */
  readonly warnings?: readonly string[];
}

/**
 * Everything the issuer keeps. Implementations throw {@link StoreUnavailable} when the backend
 * cannot be reached or its data cannot be trusted (epoch lost).
 */
export interface Store {
  /** Creates the epoch if none exists (with `listSize`), and returns the one in force. */
  open(listSize: number): Promise<StoreEpoch>;
  /** Succeeds only when the backend answers and its epoch is the one opened. */
  ping(): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;

  /** All signing keys (with their `latestExp`). */
  listKeys(): Promise<StoredKey[]>;
  /** All signing keys and the keyring version, read atomically. */
  readKeyring(): Promise<KeyringSnapshot>;
  /**
   * Adds a key unless its kid exists; with `onlyIfNoActive`, only when no key is active (returns
   * false otherwise). Bumps the keyring version when it adds.
   */
  addKey(key: StoredKey, onlyIfNoActive: boolean): Promise<boolean>;
  /** Replaces a key's record (bumps the keyring version). */
  putKey(key: StoredKey): Promise<void>;
  /**
   * Compare-and-set on the whole keyring: applies `change` only if the version is still
   * `version` (then bumps it and notifies the {@link KeyChangeFeed}). Returns whether it applied.
   */
  updateKeys(version: number, change: KeyringChange): Promise<boolean>;
  /**
   * The signing gate, atomic: if `kid` is `active`, raises its `latestExp` to `exp` (`null`:
   * a token without expiry; `undefined`: only check) and returns true; returns false when the key
   * is not active (another instance retired or revoked it), so nothing may be signed with it.
   */
  noteKeyUse(kid: string, exp: number | null | undefined): Promise<boolean>;

  /**
   * Allocates a fresh status index that was never handed out before, and makes sure the list
   * outlives `keepUntil` (seconds since the epoch; null means forever).
   */
  allocateStatus(keepUntil: number | null): Promise<StatusRef>;
  /** Sets a token's status bits. */
  setStatus(ref: StatusRef, status: TokenStatusValue): Promise<void>;
  /** Reads a token's status bits. */
  getStatus(ref: StatusRef): Promise<TokenStatusValue>;
  /**
   * The packed status list (2 bits per entry, least significant bits first, `listSize / 4`
   * bytes), or null when no such list was ever allocated in this epoch.
   */
  readStatusList(list: string): Promise<Uint8Array | null>;

  /**
   * Atomically reserves a place for a new token in its subject's index, unless the subject
   * already holds `maxLive` live tokens (unexpired and not revoked). Drops index entries that
   * ended more than `retentionSeconds` before `now`. Returns false when the limit is reached.
   */
  reserveSubjectSlot(
    record: Pick<TokenRecord, "id" | "sub" | "exp">,
    now: number,
    maxLive: number,
    retentionSeconds: number,
  ): Promise<boolean>;
  /**
   * Saves a new token record and its family, org and expiry indexes; kept until `exp` + retention.
   * Call it after {@link Store.reserveSubjectSlot} for the same token: the org and expiry indexes
   * may find tokens through their subject's index.
   */
  saveToken(record: TokenRecord, retentionSeconds: number): Promise<void>;
  /** A token by id, or null. */
  getToken(id: string): Promise<StoredToken | null>;
  /** The subject's tokens whose record still exists, newest first. */
  listTokens(sub: string): Promise<StoredToken[]>;
  /** The ids of the tokens in an index (records may have expired since). */
  listTokenIds(index: TokenIndex): Promise<string[]>;
  /**
   * The ids of tokens whose `exp` lies in `(from, to]` (seconds since the epoch): every live one,
   * and possibly some that ended, so callers check the state.
   */
  listExpiringIds(from: number, to: number): Promise<string[]>;
  /**
   * Changes a token's recorded state; a token that stops being live (revoked, rotated) stops
   * counting against its subject's limit as of `at`.
   */
  setTokenState(
    record: Pick<TokenRecord, "id" | "sub">,
    state: TokenState,
    at: number,
  ): Promise<void>;
  /**
   * Compare-and-set: moves the token to `to` only if its state is one of `from` (atomically), and
   * records `rotatedTo` for a rotation. Returns whether it moved.
   */
  transitionTokenState(
    id: string,
    from: readonly TokenState[],
    to: TokenState,
    rotatedTo?: string,
  ): Promise<boolean>;
  /** Records a use: time and client IP (kept as the last few distinct IPs). */
  recordUsage(id: string, at: number, ip: string | undefined): Promise<void>;
  /** Changes a token's name and description in place (null removes the description). */
  updateTokenDetails(id: string, details: TokenDetails): Promise<void>;

  /** True exactly once per `name` within `ttlSeconds` (an atomic claim). */
  claimOnce(name: string, ttlSeconds: number): Promise<boolean>;
  /** Counts a hit in the fixed window `name` of `windowSeconds`; returns the count so far. */
  countHit(name: string, now: number, windowSeconds: number): Promise<number>;
  /** Appends an audit event to the capped stream (about `maxLength` entries kept). */
  appendAudit(event: AuditEvent, maxLength: number): Promise<string>;
  /** Audit entries newest first, strictly older than `before` (an entry id) when given. */
  readAudit(query: { readonly before?: string; readonly count: number }): Promise<AuditEntry[]>;

  /** The org → cell routing map and its version (bumped by every change). */
  readOrgCells(): Promise<OrgCellMap>;
  /** The cell of one organization, if the map places it. */
  getOrgCell(org: string): Promise<string | undefined>;
  /** Moves (or places) an organization in a cell; returns the new map version. */
  setOrgCell(org: string, cell: string): Promise<number>;
  /** Places organizations only where they have no cell yet (seeding from configuration). */
  seedOrgCells(cells: Readonly<Record<string, string>>): Promise<void>;
}

/** The routing map routers cache. */
export interface OrgCellMap {
  readonly version: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** How many distinct client IPs a token record keeps. */
export const LAST_USED_IPS = 5;
