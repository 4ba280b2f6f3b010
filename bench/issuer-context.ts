/**
 * An in-process issuer on real Redis (the production store and context, no HTTP), for writing
 * tokens fast: the state figures and the scale fill.
 * @module
 */
import { randomBytes } from "node:crypto";
import { createIssuerContext } from "../src/bootstrap.js";
import { parseConfig } from "../src/config/config.js";
import type { IssuerContext } from "../src/context.js";
import { silentLogger } from "../src/logger.js";
import { createRedisStore, type RedisStoreSettings } from "../src/store/redis-store.js";
import { issueToken } from "../src/tokens/issue-token.js";
import { mintRequestSchema } from "../src/tokens/mint-request.js";
import { CLIENT_ID, mintBody } from "./issuer-process.js";

/** Builds the issuer context on `redisUrl` under `prefix` (`settings`: the store's, e.g. waiting). */
export async function createBenchContext(
  redisUrl: string,
  prefix: string,
  settings: Omit<RedisStoreSettings, "prefix" | "timeoutMs"> = {},
): Promise<IssuerContext> {
  const config = parseConfig({
    TOKENMINT_ISSUER: "http://127.0.0.1:1",
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    TOKENMINT_CLIENTS: `${CLIENT_ID}:${randomBytes(24).toString("base64url")}`,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_AUDIENCE: "https://api.bench",
    TOKENMINT_ORG_CELLS: Array.from({ length: 10 }, (_, i) => `org${i}=cell-${i % 3}`).join(","),
    TOKENMINT_MINT_RATE_PER_SUBJECT: "1000000",
    TOKENMINT_MINT_RATE_PER_CLIENT: "1000000",
    TOKENMINT_MAX_TOKENS_PER_SUBJECT: "100000",
  });
  const store = createRedisStore({ url: redisUrl, prefix, timeoutMs: 10_000, ...settings });
  return createIssuerContext({ config, store, logger: silentLogger, keks: config.keks });
}

const ACTOR = { clientId: CLIENT_ID, rateLimitClient: CLIENT_ID, audit: `client:${CLIENT_ID}` };

/** Mints `count` tokens with `issueToken` (the same code as `POST /v1/tokens`), `inFlight` at a time. */
export async function mintInProcess(
  ctx: IssuerContext,
  count: number,
  inFlight = 32,
  firstIndex = 0,
): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = firstIndex + next++;
      await issueToken(ctx, mintRequestSchema.parse(JSON.parse(mintBody(i))), ACTOR);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
}
