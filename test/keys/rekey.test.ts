/**
 * KEK rotation: every private key is re-encrypted under the newest KEK, after which the old KEK can
 * be dropped; a key whose KEK is not configured stops the run before anything is written. Also runs
 * the `npm run rekey` entry (src/node/rekey.ts) once against real Redis.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { importKeks } from "../../src/keys/kek.js";
import { rekeyPrivateKeys } from "../../src/keys/rekey-keys.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { createTestIssuer, STORE_KINDS, uniquePrefix } from "../helpers/issuer.js";
import { isActive, keyCall, kidIn, listKeys, twoInstances } from "./helpers.js";

const run = promisify(execFile);
const newKek = () => randomBytes(32).toString("base64url");

describe.each(STORE_KINDS)("rekeying on the %s store", (kind) => {
  it("re-encrypts every private key under the newest KEK, so the old one can go", async () => {
    const [issuer] = await twoInstances(kind);
    const oldKek = issuer.config.keks[0]!;
    const token = (await issuer.mint()).token;
    await keyCall(issuer, "/rotate", { force: true });
    await keyCall(issuer, `/${await kidIn(issuer, "next")}/revoke`);
    const before = await listKeys(issuer);
    const [oldId] = (await importKeks([oldKek])).map((kek) => kek.id);
    expect(new Set(before.keys.map((key) => key.kek))).toEqual(new Set([oldId, null]));

    const unknown = await importKeks([newKek()]);
    await expect(rekeyPrivateKeys(issuer.store, unknown)).rejects.toThrow(
      /^Key [\w-]+: No configured key-encryption key matches kek-/,
    );
    expect(await listKeys(issuer)).toEqual(before);

    const replacement = newKek();
    const keks = await importKeks([replacement, oldKek]);
    const result = await rekeyPrivateKeys(issuer.store, keks);
    expect(result.kek).toBe(keks[0]!.id);
    expect(result.rekeyed).toHaveLength(before.keys.filter((key) => key.kek !== null).length);
    expect(await rekeyPrivateKeys(issuer.store, keks)).toMatchObject({ rekeyed: [] });
    const after = await listKeys(issuer);
    expect(after.keys.map((key) => key.kek)).toEqual(
      before.keys.map((key) => (key.kek === null ? null : keks[0]!.id)),
    );

    // An instance that only knows the new KEK signs, and still accepts the old tokens.
    const fresh = await createTestIssuer({
      store: issuer.store,
      clock: issuer.clock,
      env: { TOKENMINT_KEK: replacement },
    });
    expect(await isActive(fresh, (await fresh.mint()).token)).toBe(true);
    expect(await isActive(fresh, token)).toBe(true);
  });
});

describe("npm run rekey", () => {
  it("re-encrypts the keys in the configured Redis and prints a summary", async () => {
    const prefix = uniquePrefix();
    const oldKek = newKek();
    const replacement = newKek();
    const env = {
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: prefix,
      TOKENMINT_CLIENTS: "svc:svc-secret-0123456789abcdef",
    };
    const store = createRedisStore({ url: env.REDIS_URL, prefix });
    await createTestIssuer({ store, env: { TOKENMINT_KEK: oldKek } });
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/node/rekey.ts"], {
      env: { ...process.env, ...env, TOKENMINT_KEK: `${replacement},${oldKek}` },
    });
    const summary = JSON.parse(stdout) as { event: string; rekeyed: string[]; kek: string };
    expect(summary.event).toBe("keys.rekeyed");
    expect(summary.rekeyed).toHaveLength(2);
    const [kek] = await importKeks([replacement]);
    expect(summary.kek).toBe(kek!.id);
    const failed = await run(process.execPath, ["--import", "tsx", "src/node/rekey.ts"], {
      env: { ...process.env, ...env, TOKENMINT_KEK: newKek() },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^tokenmint rekey: Key /);
    await store.close();
  });
});
