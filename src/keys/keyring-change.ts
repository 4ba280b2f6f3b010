/**
 * Changing the keyring safely across instances: a change is planned on a snapshot of the keyring
 * and written with the store's compare-and-set on the keyring version. When another instance
 * changed the keyring in between, the write is refused and the change is planned again on the
 * new state (where it usually turns out to be done already). So exactly one instance performs
 * any given rotation, whatever the timing, and each applied change is audited once.
 *
 * @example
 * ```ts
 * await changeKeyring(ctx, { actor: "client:ops", reason: "api" }, async (draft) => {
 *   draft.retire(draft.active()!);
 * });
 * ```
 * @module
 */
import { type AuditInput, recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { StoreUnavailable } from "../errors.js";
import type { StoredKey } from "../store/types.js";
import type { KeysContext } from "./keys-context.js";

/** A change being planned: the keyring as it will be, and what happened to it. */
export interface KeyringDraft {
  /** Seconds since the epoch, for the whole change. */
  readonly now: number;
  /** The keys as planned so far. */
  keys(): StoredKey[];
  get(kid: string): StoredKey | undefined;
  /** The newest active key. */
  active(): StoredKey | undefined;
  /** The `next` key published longest. */
  next(): StoredKey | undefined;
  /** `next` → `active`. */
  activate(key: StoredKey): void;
  /** `active` → `retired` (stays published until its last token expired). */
  retire(key: StoredKey): void;
  /** → `revoked`: leaves the JWKS at once; its private key is dropped. */
  revoke(key: StoredKey, reason: string | undefined): void;
  /** Deletes the key's record. */
  remove(key: StoredKey, why: string): void;
  /** Generates a key in `state` (the configured algorithm, the newest KEK) and adds it. */
  generate(state: "next" | "active"): Promise<StoredKey>;
}

/** What an applied change did. */
export interface KeyringChangeResult {
  /** False when there was nothing to change. */
  readonly changed: boolean;
  /** One line per event, e.g. `key.activated <kid>`. */
  readonly events: readonly string[];
}

/** How often a change is planned again after losing the compare-and-set. */
const ATTEMPTS = 5;

function createDraft(ctx: KeysContext, keys: readonly StoredKey[], now: number) {
  const working = new Map(keys.map((key) => [key.kid, key]));
  const put = new Map<string, StoredKey>();
  const remove = new Set<string>();
  const events: AuditInput[] = [];
  const set = (key: StoredKey, type: AuditInput["type"], reason?: string) => {
    working.set(key.kid, key);
    put.set(key.kid, key);
    events.push({
      type,
      actor: "",
      ...(reason === undefined ? {} : { reason }),
      detail: { kid: key.kid, alg: key.alg, state: key.state },
    });
  };
  const byState = (state: StoredKey["state"]) =>
    [...working.values()].filter((key) => key.state === state);
  const draft: KeyringDraft = {
    now,
    keys: () => [...working.values()],
    get: (kid) => working.get(kid),
    active: () => byState("active").sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))[0],
    next: () => byState("next").sort((a, b) => a.createdAt - b.createdAt)[0],
    activate(key) {
      set({ ...key, state: "active", activatedAt: now }, "key.activated");
    },
    retire(key) {
      set({ ...key, state: "retired", retiredAt: now }, "key.retired");
    },
    revoke(key, reason) {
      const { privateJwe: _dropped, ...rest } = key;
      set({ ...rest, state: "revoked", revokedAt: now }, "key.revoked", reason);
    },
    remove(key, why) {
      working.delete(key.kid);
      put.delete(key.kid);
      remove.add(key.kid);
      events.push({ type: "key.deleted", actor: "", reason: why, detail: { kid: key.kid } });
    },
    async generate(state) {
      const key = { ...(await ctx.keyring.generateKey(state)), createdAt: now };
      const stamped = state === "active" ? { ...key, activatedAt: now } : key;
      set(stamped, "key.generated");
      return stamped;
    },
  };
  return { draft, put, remove, events };
}

/**
 * Plans a change with `plan` on the current keyring and applies it atomically, again on the new
 * state whenever another instance changed the keyring first. Audits every applied event and
 * refreshes this instance's keyring.
 *
 * @throws whatever `plan` throws (nothing is written then); {@link StoreUnavailable}.
 */
export async function changeKeyring(
  ctx: KeysContext,
  audit: { readonly actor: string; readonly reason: string },
  plan: (draft: KeyringDraft) => Promise<void>,
): Promise<KeyringChangeResult> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const snapshot = await ctx.store.readKeyring();
    const { draft, put, remove, events } = createDraft(ctx, snapshot.keys, epochSeconds(ctx.clock));
    await plan(draft);
    if (put.size === 0 && remove.size === 0) return { changed: false, events: [] };
    const applied = await ctx.store.updateKeys(snapshot.version, {
      put: [...put.values()],
      remove: [...remove],
    });
    if (!applied) continue;
    await ctx.keyring.refresh();
    for (const event of events) {
      await recordAudit(ctx, {
        ...event,
        actor: audit.actor,
        reason: event.reason ?? audit.reason,
      });
    }
    return {
      changed: true,
      events: events.map((event) => `${event.type} ${String(event.detail?.kid)}`),
    };
  }
  throw new StoreUnavailable("The keyring kept changing under this change; retry");
}
