/**
 * The signing-key lifecycle: `next` (published, not signing) → `active` (signs) → `retired`
 * (published until the last token it signed has expired, then deleted); any key → `revoked`
 * (out of the JWKS at once, private key dropped, record kept for `TOKENMINT_RETENTION`).
 *
 * - {@link runScheduledKeyRotation}: one maintenance tick (Node: a timer in every instance;
 *   Workers: a cron). Promotes `next` once the active key has signed for the rotation period and
 *   `next` has been published for the pre-publication window; keeps one `next` key; deletes
 *   retired keys whose tokens have all expired. Safe to run anywhere, any number of times at once.
 * - {@link rotateKeysNow}: manual rotation (`POST /v1/keys/rotate`).
 * - {@link revokeSigningKey}: emergency revocation (`POST /v1/keys/{kid}/revoke`).
 *
 * A key that signed a token without expiry stays published for as long as that token lives,
 * which is for good: only revoking the key (which kills every token it signed) removes it.
 *
 * @example
 * ```ts
 * setInterval(() => runScheduledKeyRotation(ctx), 60_000).unref();
 * ```
 * @module
 */
import type { Config } from "../config/config.js";
import { statusListLifetime } from "../config/status-list-lifetime.js";
import { Conflict, NotFound } from "../errors.js";
import type { StoredKey } from "../store/types.js";
import { changeKeyring, type KeyringChangeResult, type KeyringDraft } from "./keyring-change.js";
import type { KeysContext } from "./keys-context.js";

/** The audit actor of scheduled maintenance. */
export const SCHEDULER_ACTOR = "system:key-rotation";

/**
 * When a retired key may leave the JWKS (seconds), or null for never (it signed a token without
 * expiry): after the last token it signed, and the last status list token it could have signed,
 * have expired, plus the clock tolerance.
 */
export function retiredKeyRemovalTime(key: StoredKey, config: Config): number | null {
  if (key.latestExp === null) return null;
  const retiredAt = key.retiredAt ?? key.createdAt;
  const lastStatusList = retiredAt + statusListLifetime(config.statusList.ttlSeconds);
  return Math.max(key.latestExp ?? 0, lastStatusList) + config.keyRotation.clockToleranceSeconds;
}

/** When the scheduled rotation will promote `next` (seconds), or null when it is off. */
export function scheduledRotationTime(
  active: StoredKey | undefined,
  next: StoredKey | undefined,
  config: Config,
): number | null {
  const { periodSeconds, prepublicationSeconds } = config.keyRotation;
  if (periodSeconds === 0 || !active) return null;
  const due = (active.activatedAt ?? active.createdAt) + periodSeconds;
  return next ? Math.max(due, next.createdAt + prepublicationSeconds) : null;
}

async function keepOneNextKey(draft: KeyringDraft): Promise<void> {
  if (!draft.next()) await draft.generate("next");
}

/**
 * One scheduled maintenance tick. Exactly one of any number of concurrent callers applies a given
 * rotation (compare-and-set on the keyring version); the others find nothing left to do.
 *
 * @throws {StoreUnavailable} when the store cannot be reached.
 * @example
 * ```ts
 * const { changed, events } = await runScheduledKeyRotation(ctx);
 * ```
 */
export async function runScheduledKeyRotation(ctx: KeysContext): Promise<KeyringChangeResult> {
  const { config } = ctx;
  return changeKeyring(ctx, { actor: SCHEDULER_ACTOR, reason: "scheduled" }, async (draft) => {
    const { now } = draft;
    const [active, ...stale] = draft
      .keys()
      .filter((key) => key.state === "active")
      .sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0));
    // Only one key signs; an older active key (never written by this code) is retired.
    for (const key of stale) draft.retire(key);
    const next = draft.next();
    if (!active) {
      if (next) draft.activate(next);
      else await draft.generate("active");
    } else {
      const due = scheduledRotationTime(active, next, config);
      if (next && due !== null && due <= now) {
        draft.activate(next);
        draft.retire(active);
      }
    }
    await keepOneNextKey(draft);
    for (const key of draft.keys()) {
      if (key.state === "retired") {
        const removal = retiredKeyRemovalTime(key, config);
        if (removal !== null && removal <= now) draft.remove(key, "all its tokens expired");
      } else if (key.state === "revoked") {
        if ((key.revokedAt ?? 0) + config.retentionSeconds <= now) {
          draft.remove(key, "revoked key retention ended");
        }
      }
    }
  });
}

/**
 * Manual rotation: the published `next` key becomes active at once, the active one is retired
 * and a fresh `next` key is generated. Refused while `next` has been published for less than the
 * pre-publication window (verifiers may not have it yet), unless `force`.
 *
 * @throws {Conflict} `next_key_not_ready` (with `Retry-After`) or `no_next_key`.
 */
export async function rotateKeysNow(
  ctx: KeysContext,
  actor: string,
  options: { readonly force?: boolean; readonly reason?: string } = {},
): Promise<KeyringChangeResult> {
  const audit = { actor, reason: options.reason ?? "manual" };
  return changeKeyring(ctx, audit, async (draft) => {
    const active = draft.active();
    const next = draft.next();
    if (!next) {
      throw new Conflict("no_next_key", "No next key is published yet; retry in a minute");
    }
    const ready = next.createdAt + ctx.config.keyRotation.prepublicationSeconds;
    if (ready > draft.now && !options.force) {
      throw new Conflict(
        "next_key_not_ready",
        `The next key has been published for less than the pre-publication window; verifiers may not know it yet (retry later, or force)`,
        { "Retry-After": String(ready - draft.now) },
      );
    }
    draft.activate(next);
    if (active) draft.retire(active);
    await keepOneNextKey(draft);
  });
}

/**
 * Revokes a key: it leaves the JWKS at once and every token it signed stops verifying. When it
 * was the active key, the `next` key becomes active at once (or, without one, a new key is
 * generated and activated: verifiers then learn it through their unknown-`kid` refetch).
 * Revoking a revoked key changes nothing.
 *
 * @throws {NotFound} when no key has this `kid`.
 */
export async function revokeSigningKey(
  ctx: KeysContext,
  kid: string,
  actor: string,
  reason?: string,
): Promise<KeyringChangeResult> {
  return changeKeyring(ctx, { actor, reason: reason ?? "revoked" }, async (draft) => {
    const key = draft.get(kid);
    if (!key) throw new NotFound("No such signing key");
    if (key.state === "revoked") return;
    draft.revoke(key, reason);
    if (key.state === "active") {
      const next = draft.next();
      if (next) draft.activate(next);
      else await draft.generate("active");
    }
    await keepOneNextKey(draft);
  });
}
