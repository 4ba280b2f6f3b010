/**
 * The keyring on Redis: key records, their latest signed `exp`, and the version every change
 * bumps (and publishes, for {@link createRedisKeyChangeFeed}), all under one hash tag so each
 * change is one script. Revoking a key waits for replicas (see redis-durability.ts).
 *
 * @example
 * ```ts
 * const keyring = createRedisKeyringStore(shared);
 * const { version, keys } = await keyring.readKeyring();
 * ```
 * @module
 */
import type { KeyringSnapshot, StoredKey } from "../records.js";
import type { KeyringStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The keyring role on Redis.
 *
 * @example
 * ```ts
 * await createRedisKeyringStore(shared).noteKeyUse(kid, exp);
 * ```
 */
export function createRedisKeyringStore(shared: RedisStoreContext): KeyringStore {
  const { key, call, script, durableScript } = shared;
  const keyring = [key.keys, key.keyExps, key.keysVersion] as const;
  return {
    async readKeyring(): Promise<KeyringSnapshot> {
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
    },
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
      const { keys, args } = keyUseCall(shared, kid, exp);
      return (await call(() => script("tmNoteKeyUse")(...keys, ...args))) === 1;
    },
  };
}

/** A key's record as stored: `latestExp` lives in its own hash, raised by the signing gate. */
function recordJson(stored: StoredKey): string {
  const { latestExp: _latest, ...record } = stored;
  return JSON.stringify(record);
}

/** The keys and arguments of the signing gate (`NOTE_KEY_USE`) for `kid` signing until `exp`. */
export function keyUseCall(
  shared: RedisStoreContext,
  kid: string,
  exp: number | null | undefined,
): { readonly keys: string[]; readonly args: string[] } {
  const { key } = shared;
  const arg = exp === undefined ? "" : exp === null ? "inf" : String(exp);
  // Before the store is opened (key tools) there is no epoch to check.
  const epoch = shared.current()?.id ?? "";
  return { keys: [key.keys, key.keyExps, key.keysEpoch], args: [kid, arg, epoch] };
}
