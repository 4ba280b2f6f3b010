/**
 * The signing-key lifecycle on the memory store and on real Redis, with a frozen clock: scheduled
 * rotation (exactly once across instances), manual rotation, revocation, retired keys kept until
 * their last token expired, non-expiring tokens, and a change of algorithm.
 */
import { createVerifier } from "@tokenmint/verifier";
import { describe, expect, it } from "vitest";
import { runScheduledKeyRotation } from "../../src/keys/rotation.js";
import {
  basic,
  bearer,
  OTHER_CLIENT,
  STORE_KINDS,
  TEST_ISSUER,
  type TestIssuer,
} from "../helpers/issuer.js";
import {
  auditOf,
  isActive,
  jwksKids,
  keyCall,
  kidIn,
  kidOf,
  listKeys,
  twoInstances,
} from "./helpers.js";

const DAY = 86400;

async function canAuthenticate(issuer: TestIssuer, token: string): Promise<number> {
  return (await issuer.request("/v1/tokens", { headers: bearer(token) })).status;
}

describe.each(STORE_KINDS)("signing keys on the %s store", (kind) => {
  it("rotates on schedule exactly once across instances, and unpublishes a retired key only after its last token expired", async () => {
    const [a, b] = await twoInstances(kind);
    const start = await listKeys(a);
    expect(start.keys.map((key) => key.state)).toEqual(["next", "active"]);
    expect(start.rotation).toMatchObject({
      period_seconds: 30 * DAY,
      prepublication_seconds: 3600,
    });
    const [next, active] = start.keys.map((key) => key.kid) as [string, string];
    expect(await jwksKids(a)).toEqual([next, active].sort());
    expect(start.rotation.next_rotation_at).toBe(
      new Date(a.clock() + 30 * DAY * 1000).toISOString(),
    );

    const long = await a.mint({ expires_in: 40 * DAY });
    const short = await b.mint({ expires_in: 35 * DAY });
    expect([kidOf(long.token), kidOf(short.token)]).toEqual([active, active]);

    a.clock.advance(30 * DAY - 1);
    expect((await runScheduledKeyRotation(a.ctx)).changed).toBe(false);
    a.clock.advance(1);
    const ticks = await Promise.all([
      runScheduledKeyRotation(a.ctx),
      runScheduledKeyRotation(b.ctx),
      runScheduledKeyRotation(a.ctx),
    ]);
    expect(ticks.filter((tick) => tick.changed)).toHaveLength(1);
    expect((await auditOf(a, "key.activated")).map((event) => event.detail?.kid)).toEqual([next]);

    const rotated = await listKeys(b);
    const states = Object.fromEntries(rotated.keys.map((key) => [key.kid, key.state]));
    expect(states[next]).toBe("active");
    expect(states[active]).toBe("retired");
    const retired = rotated.keys.find((key) => key.kid === active)!;
    const longExp = Date.parse(long.expires_at!) / 1000;
    expect(retired.latest_exp).toBe(long.expires_at);
    expect(retired.unpublish_at).toBe(new Date((longExp + 300) * 1000).toISOString());
    expect(await jwksKids(b)).toHaveLength(3);
    // Both instances now sign with the promoted key; old tokens still verify.
    expect(kidOf((await b.mint()).token)).toBe(next);
    expect(kidOf((await a.mint()).token)).toBe(next);
    expect(await isActive(b, long.token)).toBe(true);
    expect(await canAuthenticate(a, short.token)).toBe(200);

    a.clock.set(longExp * 1000 + 299_000);
    await runScheduledKeyRotation(b.ctx);
    expect(await jwksKids(a)).toContain(active);
    a.clock.advance(2);
    await runScheduledKeyRotation(b.ctx);
    expect(await jwksKids(b)).not.toContain(active);
    // The other instance (no pub/sub here) re-reads within the polling bound.
    expect(await jwksKids(a)).toContain(active);
    a.clock.advance(5);
    expect(await jwksKids(a)).not.toContain(active);
    expect((await auditOf(a, "key.deleted")).map((event) => event.detail?.kid)).toEqual([active]);
  });

  it("rotates manually once the next key is published long enough (or by force), for admins only", async () => {
    const [issuer] = await twoInstances(kind);
    const next = await kidIn(issuer, "next");
    const active = await kidIn(issuer, "active");
    expect((await keyCall(issuer, "/rotate", {}, "")).status).toBe(401);
    const notAdmin = await keyCall(
      issuer,
      "/rotate",
      {},
      basic(OTHER_CLIENT.id, OTHER_CLIENT.secret),
    );
    expect(notAdmin.status).toBe(403);
    expect(await notAdmin.json()).toMatchObject({ code: "admin_required" });
    expect(
      (await keyCall(issuer, "", undefined, basic(OTHER_CLIENT.id, OTHER_CLIENT.secret))).status,
    ).toBe(403);

    issuer.clock.advance(3000);
    const early = await keyCall(issuer, "/rotate");
    expect(early.status).toBe(409);
    expect(early.headers.get("content-type")).toBe("application/problem+json");
    expect(early.headers.get("retry-after")).toBe("600");
    expect(await early.json()).toMatchObject({ code: "next_key_not_ready" });
    expect((await keyCall(issuer, "/rotate", { force: "yes" })).status).toBe(400);

    issuer.clock.advance(600);
    const rotated = await keyCall(issuer, "/rotate", { reason: "drill" });
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as Awaited<ReturnType<typeof listKeys>>;
    const byKid = Object.fromEntries(body.keys.map((key) => [key.kid, key]));
    expect(byKid[next]).toMatchObject({ state: "active", published: true });
    expect(byKid[active]).toMatchObject({ state: "retired", published: true });
    expect(body.keys.filter((key) => key.state === "next")).toHaveLength(1);
    expect(JSON.stringify(body)).not.toMatch(/privateJwe|"d":/);
    expect(kidOf((await issuer.mint()).token)).toBe(next);

    const forced = await keyCall(issuer, "/rotate", { force: true });
    expect(forced.status).toBe(200);
    expect((await listKeys(issuer)).keys.map((key) => key.state)).toEqual([
      "next",
      "active",
      "retired",
      "retired",
    ]);
    expect((await auditOf(issuer, "key.activated")).map((event) => event.reason)).toEqual([
      "drill",
      "api",
    ]);
  });

  it("revokes a key: it leaves the JWKS at once, its tokens fail everywhere, the next key signs", async () => {
    const [a, b] = await twoInstances(kind);
    const active = await kidIn(a, "active");
    const next = await kidIn(a, "next");
    const token = (await a.mint()).token;
    // Both instances have verified the token once (and remember the signature check).
    expect(await isActive(a, token)).toBe(true);
    expect(await isActive(b, token)).toBe(true);
    expect(await canAuthenticate(b, token)).toBe(200);

    const revoked = await keyCall(a, `/${active}/revoke`, { reason: "leaked" });
    expect(revoked.status).toBe(200);
    const listed = (await revoked.json()) as Awaited<ReturnType<typeof listKeys>>;
    expect(listed.keys.find((key) => key.kid === active)).toMatchObject({
      state: "revoked",
      published: false,
      kek: null,
      revoked_at: new Date(a.clock()).toISOString(),
    });
    expect(listed.keys.find((key) => key.kid === next)?.state).toBe("active");
    expect(await jwksKids(a)).not.toContain(active);
    expect(await isActive(a, token)).toBe(false);
    expect(await canAuthenticate(a, token)).toBe(401);

    // The other instance has not re-read its keyring yet, but its signing gate refuses the
    // revoked key: it re-reads and signs with the new active key.
    expect(kidOf((await b.mint()).token)).toBe(next);
    b.clock.advance(5);
    expect(await jwksKids(b)).not.toContain(active);
    expect(await isActive(b, token)).toBe(false);
    expect(await canAuthenticate(b, token)).toBe(401);

    expect((await keyCall(a, `/${active}/revoke`)).status).toBe(200);
    const missing = await keyCall(a, "/nope/revoke");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
    expect(
      (await auditOf(a, "key.revoked")).map((event) => [event.detail?.kid, event.reason]),
    ).toEqual([[active, "leaked"]]);

    // The revoked record (public part only) is kept for the retention period, then deleted.
    a.clock.advance(7 * DAY);
    await runScheduledKeyRotation(a.ctx);
    expect((await listKeys(a)).keys.map((key) => key.kid)).not.toContain(active);
  });

  it("keeps a key that signed a non-expiring token published for good", async () => {
    const [issuer] = await twoInstances(kind, { TOKENMINT_ALLOW_NON_EXPIRING: "true" });
    const active = await kidIn(issuer, "active");
    const forever = await issuer.mint({ expires_at: null });
    expect(forever.expires_at).toBeNull();
    await keyCall(issuer, "/rotate", { force: true });
    issuer.clock.advance(3650 * DAY);
    await runScheduledKeyRotation(issuer.ctx);
    const key = (await listKeys(issuer)).keys.find((candidate) => candidate.kid === active);
    expect(key).toMatchObject({ state: "retired", signed_non_expiring: true, unpublish_at: null });
    expect(await jwksKids(issuer)).toContain(active);
    expect(await isActive(issuer, forever.token)).toBe(true);
  });

  it("moves to a new algorithm through the next generated key; both are published and verify", async () => {
    const [es] = await twoInstances(kind);
    const ed = await (await import("../helpers/issuer.js")).createTestIssuer({
      store: es.store,
      clock: es.clock,
      env: { TOKENMINT_KEK: es.config.keks[0]!, TOKENMINT_ALG: "EdDSA" },
    });
    const oldToken = (await es.mint()).token;
    await keyCall(ed, "/rotate", { force: true });
    const keys = (await listKeys(ed)).keys;
    expect(keys.map((key) => `${key.state}:${key.alg}`)).toEqual([
      "next:EdDSA",
      "active:ES256",
      "retired:ES256",
    ]);
    es.clock.advance(3600);
    await keyCall(es, "/rotate");
    const newToken = (await es.mint()).token;
    expect(kidOf(newToken)).toBe(keys[0]!.kid);
    const metadata = (await (
      await es.request("/.well-known/oauth-authorization-server")
    ).json()) as { access_token_signing_alg_values_supported: string[] };
    expect(metadata.access_token_signing_alg_values_supported.sort()).toEqual(["ES256", "EdDSA"]);
    const jwks = await (await es.request("/.well-known/jwks.json")).json();
    const verifier = createVerifier({
      issuer: TEST_ISSUER,
      audience: "https://api.test",
      jwks,
      statusList: { enabled: false },
      now: es.clock,
    });
    expect((await verifier.verify(oldToken)).sub).toBe("alice");
    expect((await verifier.verify(newToken)).sub).toBe("alice");
  });
});
