/**
 * The records the issuer keeps (tokens, signing keys, audit events, the epoch), shared by every
 * store role in types.ts and by the domain code that reads them.
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

/**
 * A token's lifecycle state as the issuer records it. `pending` waits for its organization's
 * approval (status bits say suspended); only an approval makes it `active`.
 */
export type TokenState = "active" | "pending" | "revoked" | "suspended" | "rotated";

/** How a pending token was decided: approved (now active) or denied (revoked). */
export interface ApprovalDecision {
  readonly verdict: "approved" | "denied";
  /** Seconds since the epoch. */
  readonly at: number;
  /** The audit actor who decided, e.g. `client:platform`. */
  readonly by: string;
  readonly reason?: string;
}

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
  /** The networks the token may be used from (normalized CIDRs); absent: anywhere. */
  readonly allowed_ips?: readonly string[];
  readonly client_id: string;
  readonly fam: string;
  readonly kid: string;
  readonly status: StatusRef;
  /** Seconds since the epoch. */
  readonly created: number;
  /** Seconds since the epoch, or null for a non-expiring token. */
  readonly exp: number | null;
  /** The token kind (`TOKENMINT_TOKEN_KINDS`); absent on records minted before kinds: `pat`. */
  readonly kind?: string;
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
  /** For a token that waited for approval: how it was decided (absent while pending). */
  readonly decision?: ApprovalDecision;
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
   * apart from the key's record: the signing gate (`noteKeyUse`) raises it, writes of the record ignore it.
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

/** The routing map routers cache. */
export interface OrgCellMap {
  readonly version: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** How many distinct client IPs a token record keeps. */
export const LAST_USED_IPS = 5;

/** A webhook defined through the admin API (configured ones live only in the configuration). */
export interface StoredWebhook {
  readonly id: string;
  readonly url: string;
  /** Audit event types it receives; absent means every type. */
  readonly events?: readonly string[];
  /** The `whsec_…` signing secret, only as a compact JWE under a key-encryption key. */
  readonly secretJwe: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** Where a delivery stands: waiting for its next attempt, or given up after the retry window. */
export type DeliveryState = "pending" | "failed";

/** One audit event on its way to one webhook (the outbox record of at-least-once delivery). */
export interface WebhookDelivery {
  /** The webhook it goes to. */
  readonly hook: string;
  /** The audit event, with its stream id (which also names the delivery). */
  readonly event: AuditEntry;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** Milliseconds since the epoch: when the delivery was created (fanned out). */
  readonly createdAt: number;
  /** Milliseconds since the epoch: when it was (re)queued; the retry window counts from here. */
  readonly queuedAt: number;
  /** Milliseconds since the epoch: the next attempt (pending), or null (failed). */
  readonly nextAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  /** HTTP status of the last attempt, or null when it got none (refused, timed out). */
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

/** A due delivery claimed by one instance until `leaseUntil` (milliseconds since the epoch). */
export interface ClaimedDelivery {
  readonly delivery: WebhookDelivery;
  readonly leaseUntil: number;
}
