/**
 * The storage interface of the issuer, cut by the roles its callers use, so each consumer asks for
 * only its slice (the keyring a {@link KeyringStore}, audit recording an {@link AuditStore}, …).
 * {@link Store} is all of them: {@link createMemoryStore} and {@link createRedisStore} honour the
 * same contract. Every key each role writes is listed in docs/storage-schema.md.
 * @module
 */
import type {
  ApprovalDecision,
  AuditEntry,
  AuditEvent,
  ClaimedDelivery,
  KeyringChange,
  KeyringSnapshot,
  OrgCellMap,
  StatusRef,
  StoredKey,
  StoredToken,
  StoredWebhook,
  StoreEpoch,
  TokenDetails,
  TokenIndex,
  TokenRecord,
  TokenState,
  TokenStatusValue,
  WebhookDelivery,
} from "./records.js";
import type { ListKind } from "./status-layout.js";

export type {
  ApprovalDecision,
  AuditEntry,
  AuditEvent,
  ClaimedDelivery,
  DeliveryState,
  KeyChangeFeed,
  KeyringChange,
  KeyringSnapshot,
  KeyState,
  OrgCellMap,
  StatusRef,
  StoredKey,
  StoredToken,
  StoredWebhook,
  StoreEpoch,
  TokenDetails,
  TokenIndex,
  TokenRecord,
  TokenState,
  TokenStatusValue,
  WebhookDelivery,
} from "./records.js";
export { LAST_USED_IPS, TokenStatus } from "./records.js";
export type { ListKind } from "./status-layout.js";

/** Opening the store's data generation (the epoch), checking it, and letting go. */
export interface StoreLifecycle {
  /** Creates the epoch if none exists (with `listSize`), and returns the one in force. */
  open(listSize: number): Promise<StoreEpoch>;
  /** Succeeds only when the backend answers and its epoch is the one opened. */
  ping(): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** The signing keys and the keyring version (used by the keyring and key maintenance). */
export interface KeyringStore {
  /** All signing keys (with their `latestExp`) and the keyring version, read atomically. */
  readKeyring(): Promise<KeyringSnapshot>;
  /**
   * Adds a key unless its kid exists; with `onlyIfNoActive`, only when no key is active (returns
   * false otherwise). Bumps the keyring version when it adds.
   */
  addKey(key: StoredKey, onlyIfNoActive: boolean): Promise<boolean>;
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
}

/** The Token Status List bits: allocation of indexes, and the 2-bit entries themselves. */
export interface StatusStore {
  /**
   * Allocates a fresh status index that was never handed out before, and makes sure the list
   * outlives `keepUntil` (seconds since the epoch; null means forever). `pending` allocates from
   * the pending lists, whose entries all start suspended (2) instead of valid (0).
   */
  allocateStatus(keepUntil: number | null, kind?: ListKind): Promise<StatusRef>;
  /** Sets a token's status bits. */
  setStatus(ref: StatusRef, status: TokenStatusValue): Promise<void>;
  /** Reads a token's status bits. */
  getStatus(ref: StatusRef): Promise<TokenStatusValue>;
  /**
   * The packed status list (2 bits per entry, least significant bits first, `listSize / 4`
   * bytes), or null when no such list was ever allocated in this epoch.
   */
  readStatusList(list: string): Promise<Uint8Array | null>;
}

/**
 * An audit event to append with a token's record ({@link TokenStore.saveToken}): in the same
 * script, after the record, where the store can (a single Redis), else once the record was written.
 */
export interface AuditAppend {
  readonly event: AuditEvent;
  /** The stream's cap, as {@link AuditStore.appendAudit} takes it. */
  readonly maxLength: number;
}

/** How many mints a subject may make per fixed window. */
export interface SubjectMintRate {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The outcome of {@link TokenStore.reserveSubjectSlot}. */
export type SlotReservation = "reserved" | "limit_reached" | "rate_limited";

/** What a mint's first round trip asks: see {@link TokenStore.openMint}. */
export interface MintOpening {
  /** The new token's subject slot, as {@link TokenStore.reserveSubjectSlot} takes it. */
  readonly slot: Pick<TokenRecord, "id" | "sub" | "exp">;
  readonly now: number;
  readonly maxLive: number;
  readonly retentionSeconds: number;
  readonly subjectRate: SubjectMintRate;
  /** The client's rate counter, as {@link RateLimitStore.countHit} takes it. */
  readonly clientCounter: { readonly name: string; readonly windowSeconds: number };
  /** The signing key to pass the gate, as {@link KeyringStore.noteKeyUse} takes it. */
  readonly key: { readonly kid: string; readonly exp: number | null | undefined };
}

/** What a mint's first round trip answered. */
export interface MintOpened {
  /** The client's hits in the window, this mint included. */
  readonly clientHits: number;
  readonly slot: SlotReservation;
  /** Whether the key passed the signing gate. */
  readonly keyNoted: boolean;
}

/** Token records, their lifecycle state and last use, and the indexes that find them. */
export interface TokenStore {
  /**
   * A mint's first round trip: {@link RateLimitStore.countHit} of the client's counter,
   * {@link TokenStore.reserveSubjectSlot} and {@link KeyringStore.noteKeyUse} together, each with
   * the effect it has on its own (one script on a single Redis; side by side on Redis Cluster,
   * whose keys of different hash tags no script may touch). A store error from the gate (its data
   * was lost) fails the whole and counts and reserves nothing on a single Redis.
   */
  openMint(opening: MintOpening): Promise<MintOpened>;
  /**
   * Counts a mint against the subject's rate (`rate.limit` per fixed window of
   * `rate.windowSeconds`), then atomically reserves a place for the new token in its subject's
   * index, unless the subject is over that rate or already holds `maxLive` live tokens (unexpired
   * and not revoked). Drops index entries that ended more than `retentionSeconds` before `now`.
   * Only `reserved` reserves anything.
   */
  reserveSubjectSlot(
    record: Pick<TokenRecord, "id" | "sub" | "exp">,
    now: number,
    maxLive: number,
    retentionSeconds: number,
    rate: SubjectMintRate,
  ): Promise<SlotReservation>;
  /** Gives back a place {@link TokenStore.reserveSubjectSlot} reserved for a token never saved. */
  releaseSubjectSlot(record: Pick<TokenRecord, "id" | "sub">): Promise<void>;
  /**
   * Saves a new token record and its family, org and expiry indexes; kept until `exp` + retention.
   * Call it after {@link TokenStore.reserveSubjectSlot} for the same token: the org and expiry
   * indexes may find tokens through their subject's index. The record is written with its
   * `state` in one step (a pending token's record never reads as active). With `audit`, the event
   * is appended only once the record is written (see {@link AuditAppend}).
   */
  saveToken(
    record: TokenRecord,
    retentionSeconds: number,
    state?: "active" | "pending",
    audit?: AuditAppend,
  ): Promise<void>;
  /** A token by id, or null. */
  getToken(id: string): Promise<StoredToken | null>;
  /** Tokens by id, in the order asked (null where there is no record). */
  getTokens(ids: readonly string[]): Promise<(StoredToken | null)[]>;
  /**
   * A token and the status entry `ref` (what introspection reads), read together: the status as
   * {@link StatusStore.getStatus} reads it.
   */
  getTokenWithStatus(
    id: string,
    ref: StatusRef,
  ): Promise<{ readonly stored: StoredToken | null; readonly status: TokenStatusValue }>;
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
  /**
   * Compare-and-set: decides a `pending` token, atomically with recording the decision: approved
   * moves it to `active`, denied to `revoked`. Returns false (nothing written) unless it was pending.
   */
  decideApproval(id: string, decision: ApprovalDecision): Promise<boolean>;
  /** Records a use: time and client IP (kept as the last few distinct IPs). */
  recordUsage(id: string, at: number, ip: string | undefined): Promise<void>;
  /** Changes a token's name and description in place (null removes the description). */
  updateTokenDetails(id: string, details: TokenDetails): Promise<void>;
}

/** A token's entry in the activity index: its last use, approval or creation, the latest. */
export interface IdleEntry {
  readonly id: string;
  readonly at: number;
}

/**
 * The activity index of unused-token cleanup: per UTC day, each token last active (used, approved
 * or created) that day and when. A token active again gets a newer entry; the older one stays until
 * the sweep drops it, so readers check the record.
 */
export interface ActivityIndexStore {
  /** Notes activity of a token at `at` (keeps the latest per day); kept until `keepUntil` (s). */
  noteActivity(id: string, at: number, keepUntil: number): Promise<void>;
  /** The entries whose activity lies in `(from, to]` (seconds since the epoch). */
  listIdleEntries(from: number, to: number): Promise<IdleEntry[]>;
  /** Drops an entry, unless the token was noted active again since (its time is no longer `at`). */
  dropIdleEntry(entry: IdleEntry): Promise<void>;
}

/** Shared counters: fixed-window rate limits and one-time claims, the same on every instance. */
export interface RateLimitStore {
  /** True exactly once per `name` within `ttlSeconds` (an atomic claim). */
  claimOnce(name: string, ttlSeconds: number): Promise<boolean>;
  /** Counts a hit in the fixed window `name` of `windowSeconds`; returns the count so far. */
  countHit(name: string, now: number, windowSeconds: number): Promise<number>;
}

/** The capped audit stream. */
export interface AuditStore {
  /** Appends an audit event to the capped stream (about `maxLength` entries kept). */
  appendAudit(event: AuditEvent, maxLength: number): Promise<string>;
  /** Audit entries newest first, strictly older than `before` (an entry id) when given. */
  readAudit(query: { readonly before?: string; readonly count: number }): Promise<AuditEntry[]>;
}

/** The org → cell routing map the cell router reads. */
export interface OrgRouteStore {
  /** The org → cell routing map and its version (bumped by every change). */
  readOrgCells(): Promise<OrgCellMap>;
  /**
   * The cell of one organization, if the map places it (what a mint writes into the `cell` claim).
   * May come from a copy up to a second old (Redis); this store's own changes show at once.
   */
  getOrgCell(org: string): Promise<string | undefined>;
  /** Moves (or places) an organization in a cell; returns the new map version. */
  setOrgCell(org: string, cell: string): Promise<number>;
  /** Places organizations only where they have no cell yet (seeding from configuration). */
  seedOrgCells(cells: Readonly<Record<string, string>>): Promise<void>;
}

/**
 * Webhooks: the API-defined webhooks, and the outbox that delivers audit events to them at least
 * once. The audit stream is read by one consumer group shared by every instance; each event read
 * is fanned out to durable per-webhook deliveries and acknowledged in one atomic step, and a due
 * delivery is claimed by one instance at a time under a lease. A delivery is named by its
 * webhook and its event's stream id (`<hook>/<event id>`).
 */
export interface WebhookStore {
  /** Creates or replaces an API-defined webhook. */
  saveWebhook(hook: StoredWebhook): Promise<void>;
  /**
   * Compare-and-set: replaces `current` by `next` (same id) only if the stored webhook is still
   * exactly `current`, so a webhook deleted or changed meanwhile is left alone. Returns whether it
   * applied.
   */
  replaceWebhook(current: StoredWebhook, next: StoredWebhook): Promise<boolean>;
  /** Every API-defined webhook, oldest first. */
  listWebhooks(): Promise<StoredWebhook[]>;
  /** Deletes a webhook and every delivery of it; returns whether it existed. */
  deleteWebhook(id: string): Promise<boolean>;
  /**
   * Makes sure the consumer group exists (created at the stream's end: events recorded before
   * the first call are not delivered). Idempotent.
   */
  openOutbox(): Promise<void>;
  /**
   * Up to `count` audit entries for `consumer` to fan out: first those another consumer read
   * more than `reclaimAfterMs` ago without acknowledging (it crashed), then new ones.
   */
  readOutbox(consumer: string, count: number, reclaimAfterMs: number): Promise<AuditEntry[]>;
  /** The id of the newest audit entry (`0-0` when there is none). */
  outboxEnd(): Promise<string>;
  /**
   * Moves the group's read position forward to `id` without reading what lies before it (when no
   * webhook exists, nothing is to be fanned out); never moves it back.
   */
  skipOutboxTo(id: string): Promise<void>;
  /**
   * Atomically creates every delivery that does not exist yet (due at its `nextAttemptAt`) and
   * acknowledges the entries `ack`, so each event is fanned out once.
   */
  fanOut(deliveries: readonly WebhookDelivery[], ack: readonly string[]): Promise<void>;
  /**
   * Claims up to `count` deliveries due at `now`: none is handed to another caller before
   * `now + leaseMs`.
   */
  claimDeliveries(now: number, leaseMs: number, count: number): Promise<ClaimedDelivery[]>;
  /**
   * Ends an attempt while its lease holds: `next` null removes the delivery (delivered), else it
   * is stored and, when pending, due at its `nextAttemptAt`. Returns false if the lease was lost.
   */
  finishDelivery(claim: ClaimedDelivery, next: WebhookDelivery | null): Promise<boolean>;
  /** The webhook's pending and failed deliveries, newest first. */
  listDeliveries(hook: string, count: number): Promise<WebhookDelivery[]>;
  /** One delivery, or null. */
  getDelivery(hook: string, eventId: string): Promise<WebhookDelivery | null>;
  /**
   * Compare-and-set: replaces `current` by `next` (due at its `nextAttemptAt`) only if the stored
   * delivery is still `current`. Returns whether it applied.
   */
  requeueDelivery(current: WebhookDelivery, next: WebhookDelivery): Promise<boolean>;
}

/**
 * Everything the issuer keeps: every role. Implementations throw {@link StoreUnavailable} when
 * the backend cannot be reached or its data cannot be trusted (epoch lost).
 */
export type Store = StoreLifecycle &
  KeyringStore &
  StatusStore &
  TokenStore &
  ActivityIndexStore &
  RateLimitStore &
  AuditStore &
  OrgRouteStore &
  WebhookStore;
