/**
 * KEK rotation: every private key and every API-defined webhook's secret is re-encrypted under the
 * newest KEK, after which the old KEK can be dropped (the webhook still delivers, signed with the
 * same secret); a key or secret whose KEK is not configured stops the run before anything is
 * written. Also runs the `npm run rekey` entry (src/node/rekey.ts) once against real Redis.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { importKeks } from "../../src/keys/kek.js";
import { rekeyPrivateKeys } from "../../src/keys/rekey-keys.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { runWebhookPass } from "../../src/webhooks/delivery-pass.js";
import { prepareWebhookRekey } from "../../src/webhooks/rekey-secrets.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import { createTestIssuer, STORE_KINDS, type TestIssuer, uniquePrefix } from "../helpers/issuer.js";
import { startReceiver } from "../webhooks/receiver.js";
import { isActive, keyCall, kidIn, listKeys, twoInstances } from "./helpers.js";

const run = promisify(execFile);
const newKek = () => randomBytes(32).toString("base64url");
const WEBHOOK_ENV = { TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true" };

/** Creates an API-defined webhook through `POST /v1/webhooks`; returns its id and secret. */
async function createHook(
  issuer: TestIssuer,
  url: string,
): Promise<{ id: string; secret: string }> {
  const response = await issuer.request("/v1/webhooks", {
    method: "POST",
    headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
    body: JSON.stringify({ url, events: ["token.minted"] }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/webhooks: ${response.status}`);
  return (await response.json()) as { id: string; secret: string };
}

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

describe.each(STORE_KINDS)("rekeying webhook secrets on the %s store", (kind) => {
  it("re-encrypts them under the newest KEK, so a webhook still delivers, signed with its secret, without the old one", async () => {
    const receiver = await startReceiver(generateWebhookSecret());
    try {
      const issuer = await createTestIssuer({ store: kind, env: WEBHOOK_ENV });
      const oldKek = issuer.config.keks[0]!;
      const hook = await createHook(issuer, receiver.url);
      receiver.useSecret(hook.secret);
      const [before] = await issuer.store.listWebhooks();

      await expect(prepareWebhookRekey(issuer.store, await importKeks([newKek()]))).rejects.toThrow(
        `Webhook ${hook.id}: No configured key-encryption key matches kek-`,
      );
      expect(await issuer.store.listWebhooks()).toEqual([before]);

      const replacement = newKek();
      const keks = await importKeks([replacement, oldKek]);
      expect(await (await prepareWebhookRekey(issuer.store, keks))()).toEqual({
        rekeyed: [hook.id],
        current: [],
      });
      expect(await (await prepareWebhookRekey(issuer.store, keks))()).toEqual({
        rekeyed: [],
        current: [hook.id],
      });
      const [after] = await issuer.store.listWebhooks();
      expect(after).toEqual({ ...before, secretJwe: after?.secretJwe });
      expect(after?.secretJwe).not.toBe(before?.secretJwe);

      // An instance that only knows the new KEK signs deliveries with the unchanged secret.
      await rekeyPrivateKeys(issuer.store, keks);
      const fresh = await createTestIssuer({
        store: issuer.store,
        clock: issuer.clock,
        env: { ...WEBHOOK_ENV, TOKENMINT_KEK: replacement },
      });
      const minted = await fresh.mint({ subject: "dave" });
      for (let pass = 0; pass < 5 && receiver.received.length === 0; pass++) {
        await runWebhookPass(fresh.ctx, { consumer: "rekey-test" });
      }
      expect(receiver.rejected).toEqual([]);
      expect(receiver.received.map((message) => message.payload.type)).toEqual(["token.minted"]);
      expect(receiver.received[0]?.payload.data).toMatchObject({ token_id: minted.id });
    } finally {
      await receiver.close();
    }
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
    const issuer = await createTestIssuer({
      store,
      env: { ...WEBHOOK_ENV, TOKENMINT_KEK: oldKek },
    });
    const hook = await createHook(issuer, "http://127.0.0.1:9/hook");
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/node/rekey.ts"], {
      env: { ...process.env, ...env, TOKENMINT_KEK: `${replacement},${oldKek}` },
    });
    const summary = JSON.parse(stdout) as {
      event: string;
      rekeyed: string[];
      kek: string;
      webhooks: { rekeyed: string[] };
    };
    expect(summary.event).toBe("keys.rekeyed");
    expect(summary.rekeyed).toHaveLength(2);
    expect(summary.webhooks.rekeyed).toEqual([hook.id]);
    const [kek] = await importKeks([replacement]);
    expect(summary.kek).toBe(kek!.id);
    const failed = await run(process.execPath, ["--import", "tsx", "src/node/rekey.ts"], {
      env: { ...process.env, ...env, TOKENMINT_KEK: newKek() },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/^tokenmint rekey: Webhook wh_[\w-]+: /);
    await store.close();
  });
});
