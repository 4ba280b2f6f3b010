/**
 * Node-only support for the embedded mode without a configured KEK: a generated development KEK
 * and the encrypted keyring are kept under `keys/` (gitignored), so tokens signed before a restart
 * still verify after it. Never used when `TOKENMINT_KEK` is set.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StoredKey } from "../store/types.js";

/** The dev KEK and the keys persisted from an earlier run. */
export interface DevKeyring {
  readonly kek: string;
  readonly keys: StoredKey[];
  readonly persist: (keys: StoredKey[]) => void;
  readonly directory: string;
}

/**
 * Loads (or creates) `dir/dev-kek` and `dir/dev-keyring.json`.
 *
 * @example
 * ```ts
 * const dev = loadDevKeyring("keys");
 * ```
 */
export function loadDevKeyring(directory: string): DevKeyring {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const kekFile = join(directory, "dev-kek");
  const keyringFile = join(directory, "dev-keyring.json");
  if (!existsSync(kekFile)) {
    writeFileSync(kekFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  const kek = readFileSync(kekFile, "utf8").trim();
  const keys = existsSync(keyringFile)
    ? (JSON.parse(readFileSync(keyringFile, "utf8")) as StoredKey[])
    : [];
  return {
    kek,
    keys,
    directory,
    persist: (next) =>
      writeFileSync(keyringFile, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 }),
  };
}
