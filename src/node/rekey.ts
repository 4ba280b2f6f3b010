/**
 * `npm run rekey`: re-encrypts every signing key's private half, and every API-defined webhook's
 * secret, under the newest KEK (the first of `TOKENMINT_KEK`), reading the same environment as the
 * server. Safe while issuers run. Prints one JSON summary line; exits 1 on failure (nothing is
 * written when a key or a webhook secret cannot be decrypted).
 *
 * @example
 * ```sh
 * TOKENMINT_KEK="$NEW_KEK,$OLD_KEK" REDIS_URL=redis://... npm run rekey
 * ```
 * @module
 */
import { ConfigError, parseConfig } from "../config/config.js";
import { importKeks } from "../keys/kek.js";
import { rekeyPrivateKeys } from "../keys/rekey-keys.js";
import { createRedisStore } from "../store/redis-store.js";
import { prepareWebhookRekey } from "../webhooks/rekey-secrets.js";
import { redisConnection } from "./create-node-store.js";

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const connection = redisConnection(config);
  if (!connection) {
    throw new Error(
      "Redis is not configured (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS); the embedded store keeps no keys to rekey",
    );
  }
  const store = createRedisStore(connection);
  try {
    await store.open(config.statusList.size);
    const keks = await importKeks(config.keks);
    // Every webhook secret is checked before the keyring is written, so a failure writes nothing.
    const rekeyWebhooks = await prepareWebhookRekey(store, keks);
    const result = await rekeyPrivateKeys(store, keks);
    const webhooks = await rekeyWebhooks();
    await store.appendAudit(
      {
        type: "keys.rekeyed",
        at: Math.floor(Date.now() / 1000),
        actor: "system:rekey",
        reason: "kek rotation",
        detail: {
          kek: result.kek,
          rekeyed: result.rekeyed.length,
          webhooks: webhooks.rekeyed.length,
        },
      },
      config.auditMaxEvents,
    );
    process.stdout.write(`${JSON.stringify({ event: "keys.rekeyed", ...result, webhooks })}\n`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`tokenmint rekey: ${message}\n`);
  process.exit(1);
});
