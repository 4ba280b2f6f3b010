import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sweepUnusedTokens } from "../../src/tokens/unused-tokens.js";
import {
  createTestIssuer,
  createTestStore,
  form,
  STORE_KINDS,
  type StoreKind,
  type TestIssuer,
  testClock,
} from "../helpers/issuer.js";

const DAY = 86400;

interface AuditEvent {
  type: string;
  jti?: string;
  reason?: string;
  actor: string;
  detail?: Record<string, unknown>;
}

async function audit(issuer: TestIssuer, type: string): Promise<AuditEvent[]> {
  const response = await issuer.request(`/v1/audit?type=${type}`, {
    headers: { authorization: issuer.clientAuth },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { events: AuditEvent[] }).events;
}

async function introspect(issuer: TestIssuer, token: string): Promise<boolean> {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return ((await response.json()) as { active: boolean }).active;
}

/** Two issuer instances on one store and one clock, with cleanup after 10 days of disuse. */
async function twoInstances(kind: StoreKind, env: Record<string, string> = {}) {
  const clock = testClock();
  const store = createTestStore(kind, clock);
  const shared = {
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_REVOKE_UNUSED_AFTER: "10d",
    TOKENMINT_EXPIRY_NOTICES: "2d,1d",
    ...env,
  };
  const first = await createTestIssuer({ store, clock, env: shared });
  const second = await createTestIssuer({ store, clock, env: shared });
  return { first, second, clock };
}

describe.each(STORE_KINDS)("unused-token cleanup on the %s store", (kind) => {
  it("notices at each offset, then revokes a token never used since its creation, once across instances", async () => {
    const { first, second, clock } = await twoInstances(kind);
    const idle = await first.mint({ name: "idle" });
    const shortLived = await first.mint({ name: "short", expires_in: 9 * DAY });
    const sweepBoth = async () => {
      const [a, b] = await Promise.all([
        sweepUnusedTokens(first.ctx),
        sweepUnusedTokens(second.ctx),
      ]);
      return { notices: a.notices + b.notices, revoked: a.revoked + b.revoked };
    };

    clock.advance(8 * DAY - 60);
    expect(await sweepBoth()).toEqual({ notices: 0, revoked: 0 });
    clock.advance(120);
    expect(await sweepBoth()).toEqual({ notices: 1, revoked: 0 });
    expect(await sweepBoth()).toEqual({ notices: 0, revoked: 0 });
    clock.advance(DAY);
    expect(await sweepBoth()).toEqual({ notices: 1, revoked: 0 });

    const notices = await audit(first, "token.expiring");
    expect(notices.map((event) => [event.jti, event.reason, event.detail?.notice_offset])).toEqual([
      [idle.id, "unused", DAY],
      [idle.id, "unused", 2 * DAY],
    ]);
    // The token that expires before it would count as unused gets no unused notice.
    expect(notices.some((event) => event.jti === shortLived.id)).toBe(false);
    expect(notices[0]?.detail?.expires_at).toBe(
      Math.floor(clock() / 1000) - 9 * DAY - 60 + 10 * DAY,
    );

    clock.advance(DAY);
    expect(await sweepBoth()).toEqual({ notices: 0, revoked: 1 });
    expect(await sweepBoth()).toEqual({ notices: 0, revoked: 0 });
    expect(await introspect(second, idle.token)).toBe(false);
    const revoked = await audit(first, "token.revoked");
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({
      jti: idle.id,
      reason: "unused",
      actor: "system",
      detail: { unused_after: 10 * DAY, last_used_at: null },
    });
  });

  it("keeps a token used meanwhile and counts from its last use", async () => {
    const { first, second, clock } = await twoInstances(kind);
    const used = await first.mint({ name: "used" });
    clock.advance(5 * DAY);
    expect(await introspect(first, used.token)).toBe(true);
    clock.advance(5 * DAY + 60);
    // Ten days after creation, but used five days ago: neither noticed nor revoked.
    expect(await sweepUnusedTokens(first.ctx)).toEqual({ notices: 0, revoked: 0 });
    expect(await introspect(second, used.token)).toBe(true);

    // That check was a use too; ten days after it, the token is revoked.
    clock.advance(10 * DAY + 60);
    expect(await sweepUnusedTokens(second.ctx)).toEqual({ notices: 0, revoked: 1 });
    expect(await introspect(first, used.token)).toBe(false);
  });

  it("reads the use reported by POST /v1/usage, and a use right before revocation keeps the token", async () => {
    const { first, clock } = await twoInstances(kind, { TOKENMINT_EXPIRY_NOTICES: "1d" });
    const reported = await first.mint({ name: "reported" });
    clock.advance(9 * DAY);
    const usage = await first.request("/v1/usage", {
      method: "POST",
      headers: { authorization: first.clientAuth, "content-type": "application/json" },
      body: JSON.stringify({
        events: [{ jti: reported.id, at: Math.floor(clock() / 1000), ip: "203.0.113.9" }],
      }),
    });
    expect(usage.status).toBe(200);
    clock.advance(DAY + 60);
    expect(await sweepUnusedTokens(first.ctx)).toEqual({ notices: 0, revoked: 0 });
    expect((await first.store.getToken(reported.id))?.state).toBe("active");

    // Due now; used between the listing and the revocation (the recheck sees it).
    clock.advance(8 * DAY);
    expect(await sweepUnusedTokens(first.ctx)).toEqual({ notices: 1, revoked: 0 });
    clock.advance(DAY);
    const realGetToken = first.ctx.store.getToken;
    let reads = 0;
    first.ctx.store.getToken = async (id) => {
      reads += 1;
      // The second read is the recheck right before revoking: a use lands just before it.
      if (reads === 2) await first.store.recordUsage(id, Math.floor(clock() / 1000), undefined);
      return realGetToken(id);
    };
    expect(await sweepUnusedTokens(first.ctx)).toEqual({ notices: 0, revoked: 0 });
    first.ctx.store.getToken = realGetToken;
    expect((await first.store.getToken(reported.id))?.state).toBe("active");
  });

  it("is off by default: no index is written and nothing is revoked", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint();
    expect(await introspect(issuer, minted.token)).toBe(true);
    issuer.clock.advance(29 * DAY);
    expect(await sweepUnusedTokens(issuer.ctx)).toEqual({ notices: 0, revoked: 0 });
    const now = Math.floor(issuer.clock() / 1000);
    expect(await issuer.store.listIdleEntries(now - 60 * DAY, now)).toEqual([]);
    expect(await introspect(issuer, minted.token)).toBe(true);
  });
});
