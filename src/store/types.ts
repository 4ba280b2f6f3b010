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
}

/** Lifecycle of a signing key. */
export type KeyState = "next" | "active" | "retired" | "revoked";

/** A signing key as stored: public JWK in the clear, private JWK only as a JWE. */
export interface StoredKey {
  readonly kid: string;
  readonly alg: string;
  readonly state: KeyState;
  readonly publicJwk: Readonly<Record<string, unknown>>;
  /** The private JWK, encrypted (compact JWE under a key-encryption key). */
  readonly privateJwe: string;
  /** Seconds since the epoch. */
  readonly createdAt: number;
  readonly activatedAt?: number;
  readonly retiredAt?: number;
  readonly revokedAt?: number;
}

/** Identity and layout of the store's data generation (see the README, "epoch"). */
export interface StoreEpoch {
  /** Random id created with the store's data; a new one means the data was lost. */
  readonly id: string;
  /** Entries per status list, fixed for the life of the epoch. */
  readonly listSize: number;
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

  /** All signing keys. */
  listKeys(): Promise<StoredKey[]>;
  /** Adds a key; with `onlyIfNoActive`, only when no key is active (returns false otherwise). */
  addKey(key: StoredKey, onlyIfNoActive: boolean): Promise<boolean>;
  /** Replaces a key's record. */
  putKey(key: StoredKey): Promise<void>;

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

  /** Saves a new token record and indexes it under its subject; kept until `exp` + retention. */
  saveToken(record: TokenRecord, retentionSeconds: number): Promise<void>;
  /** A token by id, or null. */
  getToken(id: string): Promise<StoredToken | null>;
  /** The subject's tokens whose record still exists, newest first. */
  listTokens(sub: string): Promise<StoredToken[]>;
  /** Changes a token's recorded state. */
  setTokenState(id: string, state: TokenState): Promise<void>;
  /** Records a use: time and client IP (kept as the last few distinct IPs). */
  recordUsage(id: string, at: number, ip: string | undefined): Promise<void>;
}

/** How many distinct client IPs a token record keeps. */
export const LAST_USED_IPS = 5;
