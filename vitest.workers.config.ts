/**
 * The Worker tests: the test files run inside workerd (`@cloudflare/vitest-pool-workers`) and
 * call the real `wrangler` build of src/worker.ts, loaded as auxiliary Workers, through service
 * bindings. Each auxiliary Worker is a separate isolate with its own bindings, over the test
 * run's real Redis. `npm run test:worker`.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";
import { verifierAliases } from "./vitest.aliases.js";

const wrangler = unstable_readConfig({ config: "wrangler.toml" });
const compatibilityDate = wrangler.compatibility_date ?? "2026-04-26";
const compatibilityFlags = wrangler.compatibility_flags;
const vars = Object.fromEntries(
  Object.entries(wrangler.vars).map(([name, value]) => [
    name,
    typeof value === "string" ? value : JSON.stringify(value),
  ]),
);

/** One run's key prefix, so a shared REDIS_URL never mixes runs. */
const run = `w${randomBytes(3).toString("hex")}`;
export const TEST_ISSUER_URL = "https://issuer.test";
const CLIENT = { id: "platform", secret: "platform-secret-0123456789" };
/** One KEK for every isolate of the run (they share the Redis keyring). */
const KEK = randomBytes(32).toString("base64url");
/** A secret scanner's key: its public half configured, its private half for the test to sign. */
const SCANNER = generateKeyPairSync("ec", { namedCurve: "P-256" });
const SCANNER_KEYS = JSON.stringify({
  public_keys: [
    {
      key_identifier: "workerd-scanner",
      key: SCANNER.publicKey.export({ type: "spki", format: "pem" }).toString(),
      is_current: true,
    },
  ],
});

export default defineConfig({
  resolve: { alias: verifierAliases },
  plugins: [
    cloudflareTest(({ inject }) => {
      const redisUrl = inject("workerRedisUrl");
      const webhookUrl = inject("workerWebhookUrl");
      const base = {
        ...vars,
        TOKENMINT_ISSUER: TEST_ISSUER_URL,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: `${run}:`,
        TOKENMINT_KEK: KEK,
        TOKENMINT_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
        TOKENMINT_ADMIN_CLIENTS: CLIENT.id,
        TOKENMINT_AUDIENCE: "https://api.test",
        TOKENMINT_STATUS_LIST_SIZE: "64",
        TOKENMINT_SERVER_TIMING: "true",
        TOKENMINT_SECRET_SCANNING_KEYS: SCANNER_KEYS,
        TOKENMINT_TOKEN_KINDS: JSON.stringify({
          pat: { prefix: "tmpat_" },
          deploy: { prefix: "tmdt_", scopes: ["read_api", "read_repository"], max_lifetime: "90d" },
        }),
      };
      const issuer = (name: string, bindings: Record<string, string>) => ({
        name,
        modules: true,
        scriptPath: inject("workerScript"),
        compatibilityDate,
        compatibilityFlags,
        bindings,
      });
      return {
        miniflare: {
          compatibilityDate,
          compatibilityFlags,
          bindings: {
            ISSUER_URL: TEST_ISSUER_URL,
            CLIENT_ID: CLIENT.id,
            CLIENT_SECRET: CLIENT.secret,
            SCANNER_PRIVATE_JWK: JSON.stringify(SCANNER.privateKey.export({ format: "jwk" })),
            WEBHOOK_RECEIVER_URL: webhookUrl,
          },
          serviceBindings: {
            ISSUER: "tokenmint",
            REPLICA: "tokenmint-replica",
            CRON: "tokenmint-cron",
            WEBHOOKS: "tokenmint-webhooks",
            DOWN: "tokenmint-down",
            MISCONFIGURED: "tokenmint-misconfigured",
          },
          workers: [
            issuer("tokenmint", base),
            // Another isolate on the same Redis with a short status list ttl.
            issuer("tokenmint-replica", { ...base, TOKENMINT_STATUS_LIST_TTL: "2" }),
            issuer("tokenmint-cron", { ...base, REDIS_PREFIX: `${run}cron:` }),
            // A webhook on the Node receiver (plain http on 127.0.0.1: allowed as insecure).
            issuer("tokenmint-webhooks", {
              ...base,
              REDIS_PREFIX: `${run}wh:`,
              TOKENMINT_WEBHOOKS: JSON.stringify([
                {
                  id: "receiver",
                  url: webhookUrl,
                  secret: inject("workerWebhookSecret"),
                  events: ["token.minted"],
                },
              ]),
              TOKENMINT_WEBHOOKS_ALLOW_INSECURE: "true",
            }),
            issuer("tokenmint-down", {
              ...base,
              REDIS_URL: "redis://127.0.0.1:1",
              REDIS_TIMEOUT_MS: "300",
            }),
            issuer("tokenmint-misconfigured", { ...base, TOKENMINT_KEK: "" }),
          ],
        },
      };
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["test/worker/global-setup.ts"],
    // One workerd runtime for every file: starting the six isolates of a 5 MB script takes ~20 s.
    isolate: false,
    testTimeout: 20000,
    hookTimeout: 30000,
  },
});
