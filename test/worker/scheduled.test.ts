/**
 * The cron trigger of the Worker build: a scheduled run opens the issuer (creating the first
 * signing key on an empty store) and reports failure when Redis is down.
 */
import { env } from "cloudflare:workers";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { CRON, call, cronOf, mint, serverTiming } from "./helpers.js";

describe("the cron trigger", () => {
  it("creates the signing key on an empty store, so requests need no Redis after it", async () => {
    await cronOf(env.CRON)({ cron: CRON, scheduledTime: new Date() });

    // The isolate's keyring was loaded by the cron run: the JWKS comes from it, no connection.
    const jwks = await call(env.CRON, "/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    expect(serverTiming(jwks)).toEqual({ "edge-cache": "miss" });
    const { keys } = (await jwks.json()) as { keys: { kid: string }[] };
    expect(keys.length).toBeGreaterThan(0);

    // The key the cron run made active is the one that signs.
    const minted = await mint(env.CRON);
    const { kid } = decodeProtectedHeader(minted.token.replace(/^tmpat_/, ""));
    expect(keys.map((key) => key.kid)).toContain(kid);

    // Runs repeat (cron delivery is at least once): a second one succeeds too.
    await cronOf(env.CRON)({ cron: CRON, scheduledTime: new Date() });
  });

  it("fails the run when Redis does not answer", async () => {
    const failure = await cronOf(env.DOWN)({ cron: CRON, scheduledTime: new Date() }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toContain("The state store is unavailable");
  });
});
