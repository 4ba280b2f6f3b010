/**
 * The keyring in memory: key records, their latest signed `exp` kept apart (as in Redis), and a
 * version every change bumps; optionally persisted after each change (the dev keyring file).
 *
 * @example
 * ```ts
 * const keyring = createMemoryKeyringStore({ initialKeys: [] });
 * ```
 * @module
 */
import type { StoredKey } from "../records.js";
import type { KeyringStore } from "../types.js";

/** Where the keyring starts from and where it is persisted. */
export interface MemoryKeyringOptions {
  /** Keys to start with (e.g. loaded from a dev keyring file). */
  readonly initialKeys?: readonly StoredKey[];
  /** Called with every key after each keyring change, to persist it. */
  readonly persistKeys?: (keys: StoredKey[]) => void;
}

/**
 * The keyring role in memory.
 *
 * @example
 * ```ts
 * const { keys } = await createMemoryKeyringStore().readKeyring();
 * ```
 */
export function createMemoryKeyringStore(options: MemoryKeyringOptions = {}): KeyringStore {
  const keys = new Map<string, StoredKey>(
    options.initialKeys?.map((key) => [key.kid, withoutLatestExp(key)]),
  );
  const latestExps = new Map<string, number | null>();
  for (const key of options.initialKeys ?? []) {
    if (key.latestExp !== undefined) latestExps.set(key.kid, key.latestExp);
  }
  let keysVersion = 0;

  function withLatestExps(): StoredKey[] {
    return [...keys.values()].map((key) =>
      latestExps.has(key.kid) ? { ...key, latestExp: latestExps.get(key.kid) ?? null } : key,
    );
  }

  function persist(): void {
    options.persistKeys?.(withLatestExps());
  }

  function keysChanged(): void {
    keysVersion += 1;
    persist();
  }

  return {
    async readKeyring() {
      return { version: keysVersion, keys: withLatestExps() };
    },
    async addKey(key, onlyIfNoActive) {
      if (onlyIfNoActive && [...keys.values()].some((k) => k.state === "active")) return false;
      if (keys.has(key.kid)) return false;
      keys.set(key.kid, withoutLatestExp(key));
      keysChanged();
      return true;
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
  };
}

/** The record without `latestExp`, which is kept apart (as in Redis). */
function withoutLatestExp(key: StoredKey): StoredKey {
  const { latestExp: _latest, ...record } = key;
  return record;
}
