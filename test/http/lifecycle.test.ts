import { describe, expect, it } from "vitest";
import { sweepExpiryNotices } from "../../src/tokens/expiry-notices.js";
import { issueToken } from "../../src/tokens/issue-token.js";
import {
  bearer,
  createTestIssuer,
  form,
  type MintAnswer,
  STORE_KINDS,
  type TestIssuer,
} from "../helpers/issuer.js";

const json = (body: unknown, headers: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function introspect(issuer: TestIssuer, token: string) {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return (await response.json()) as { active: boolean; [claim: string]: unknown };
}

async function auditTypes(issuer: TestIssuer, query = "") {
  const response = await issuer.request(`/v1/audit${query}`, {
    headers: { authorization: issuer.clientAuth },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    events: Array<{ type: string; jti?: string }>;
    next_cursor: string | null;
  };
  return body;
}

describe.each(STORE_KINDS)("the token lifecycle on the %s store", (kind) => {
  it("rotates by id and by self: same family, name, scope and org; the old token dies at once", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const first = await issuer.mint({ org: "acme", description: "d", expires_in: 86400 });
    const byId = await issuer.request(`/v1/tokens/${first.id}/rotate`, {
      method: "POST",
      headers: { authorization: issuer.clientAuth },
    });
    expect(byId.status).toBe(201);
    const second = (await byId.json()) as MintAnswer & Record<string, unknown>;
    expect(second).toMatchObject({
      rotated_from: first.id,
      family: first.id,
      name: "laptop",
      description: "d",
      scope: ["read_api", "manage_tokens"],
      org: "acme",
      cell: "cell-eu-1",
      expires_at: new Date(issuer.clock() + 86400_000).toISOString(),
    });
    expect(second.id).not.toBe(first.id);
    expect((await issuer.store.getToken(first.id))?.state).toBe("rotated");
    expect(
      await issuer.store.getStatus((await issuer.store.getToken(first.id))!.record.status),
    ).toBe(1);

    const self = await issuer.request(
      "/v1/tokens/self/rotate",
      json({ expires_in: 3600 }, bearer(second.token)),
    );
    expect(self.status).toBe(201);
    const third = (await self.json()) as MintAnswer;
    expect(third.expires_at).toBe(new Date(issuer.clock() + 3600_000).toISOString());
    expect(await introspect(issuer, third.token)).toMatchObject({ active: true, fam: first.id });
    expect((await issuer.store.getToken(second.id))?.state).toBe("rotated");
  });

  it("detects reuse of a rotated-out token and revokes the whole family", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const first = await issuer.mint();
    const unrelated = await issuer.mint({ name: "unrelated" });
    const rotated = (await (
      await issuer.request("/v1/tokens/self/rotate", {
        method: "POST",
        headers: bearer(first.token),
      })
    ).json()) as MintAnswer;
    expect(await introspect(issuer, rotated.token)).toMatchObject({ active: true });

    const reuse = await issuer.request("/v1/tokens", { headers: bearer(first.token) });
    expect(reuse.status).toBe(401);
    expect(await introspect(issuer, rotated.token)).toEqual({ active: false });
    expect(await introspect(issuer, unrelated.token)).toMatchObject({ active: true });
    const events = await auditTypes(issuer, "?type=token.reuse_detected");
    expect(events.events.map((e) => e.jti)).toEqual([first.id]);
    const mass = await auditTypes(issuer, "?type=tokens.mass_revoked");
    expect(mass.events).toHaveLength(1);
  });

  it("lets exactly one of two concurrent rotations win and leaves no orphaned live token", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const first = await issuer.mint();
    const answers = await Promise.all([
      issuer.request("/v1/tokens/self/rotate", { method: "POST", headers: bearer(first.token) }),
      issuer.request("/v1/tokens/self/rotate", { method: "POST", headers: bearer(first.token) }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(await loser.json()).toMatchObject({ code: "rotation_conflict" });
    const family = await issuer.store.listTokenIds({ family: first.id });
    const states = await Promise.all(
      family.map(async (id) => (await issuer.store.getToken(id))?.state),
    );
    expect(states.sort()).toEqual(["active", "revoked", "rotated"]);
  });

  it("updates name and description in place, and turns a scope change into a rotation", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint({ description: "old" });
    const patch = (body: unknown) =>
      issuer.request(`/v1/tokens/${token.id}`, {
        ...json(body, bearer(token.token)),
        method: "PATCH",
      });
    const renamed = await patch({ name: "renamed", description: null });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({
      rotated: false,
      id: token.id,
      name: "renamed",
      description: null,
    });
    expect(await introspect(issuer, token.token)).toMatchObject({ active: true });

    const narrowed = await patch({
      scope: ["read_api", "manage_tokens"],
      permissions: { read_api: ["r1"] },
    });
    expect(narrowed.status).toBe(201);
    const rotated = (await narrowed.json()) as MintAnswer & Record<string, unknown>;
    expect(rotated).toMatchObject({
      rotated: true,
      rotated_from: token.id,
      name: "renamed",
      permissions: { read_api: ["r1"] },
    });
    expect(await introspect(issuer, rotated.token)).toMatchObject({
      active: true,
      permissions: { read_api: ["r1"] },
    });
    // The old token no longer authenticates; presenting it is reuse, which ends the family.
    expect((await patch({ name: "again" })).status).toBe(401);
    expect(await introspect(issuer, rotated.token)).toEqual({ active: false });
    // An ended token is history: not even a service client renames it.
    const renameEnded = await issuer.request(`/v1/tokens/${token.id}`, {
      ...json({ name: "history" }, { authorization: issuer.clientAuth }),
      method: "PATCH",
    });
    expect(renameEnded.status).toBe(409);
    expect(await renameEnded.json()).toMatchObject({ code: "token_not_active" });
  });

  it("suspends and resumes, with a distinct reason, and refuses impossible transitions", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint();
    const admin = { authorization: issuer.clientAuth };
    expect(
      (await issuer.request(`/v1/tokens/${token.id}/suspend`, { method: "POST", headers: admin }))
        .status,
    ).toBe(200);
    expect(await introspect(issuer, token.token)).toEqual({ active: false });
    const auth = await issuer.request("/v1/tokens/self", { headers: bearer(token.token) });
    expect(auth.status).toBe(401);
    expect(((await auth.json()) as { detail: string }).detail).toBe("The token is suspended");
    const again = await issuer.request(`/v1/tokens/${token.id}/suspend`, {
      method: "POST",
      headers: admin,
    });
    expect(again.status).toBe(409);
    expect(
      (await issuer.request(`/v1/tokens/${token.id}/resume`, { method: "POST", headers: admin }))
        .status,
    ).toBe(200);
    expect(await introspect(issuer, token.token)).toMatchObject({ active: true });
    await issuer.request(`/v1/tokens/${token.id}`, { method: "DELETE", headers: admin });
    expect(
      (await issuer.request(`/v1/tokens/${token.id}/resume`, { method: "POST", headers: admin }))
        .status,
    ).toBe(409);
    const types = (await auditTypes(issuer, `?subject=alice`)).events.map((e) => e.type);
    expect(types).toEqual(["token.revoked", "token.resumed", "token.suspended", "token.minted"]);
  });

  it("lets a user mint only narrower tokens for themselves", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const parent = await issuer.mint({
      scope: ["read_api", "read_project", "manage_tokens"],
      permissions: { read_project: ["p1", "p2"] },
      org: "acme",
      expires_in: 7200,
    });
    const mint = (body: Record<string, unknown>) =>
      issuer.request("/v1/tokens", json({ name: "child", ...body }, bearer(parent.token)));
    const ok = await mint({
      scope: ["read_project"],
      permissions: { read_project: ["p2"] },
      org: "acme",
      expires_in: 3600,
    });
    expect(ok.status).toBe(201);
    const child = (await ok.json()) as MintAnswer & Record<string, unknown>;
    expect(child).toMatchObject({
      subject: "alice",
      client_id: parent.id,
      scope: ["read_project"],
    });
    expect(child.family).toBe(child.id);

    const refused: Array<[Record<string, unknown>, string]> = [
      [{ scope: ["write_project"], org: "acme", expires_in: 3600 }, "Scope not held"],
      [
        {
          scope: ["read_project"],
          permissions: { read_project: ["p3"] },
          org: "acme",
          expires_in: 3600,
        },
        "cannot reach",
      ],
      [{ scope: ["read_api"], org: "globex", expires_in: 3600 }, "organization"],
      [{ scope: ["read_api"], org: "acme", expires_in: 86400 }, "outlive"],
      [{ scope: ["read_api"], org: "acme", expires_in: 3600, subject: "bob" }, "own subject"],
    ];
    for (const [body, reason] of refused) {
      const response = await mint(body);
      expect(response.status).toBe(403);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe("wider_than_parent");
      expect(problem.detail).toContain(reason);
    }
    const withoutManage = await issuer.mint({ scope: ["read_api"] });
    const denied = await issuer.request(
      "/v1/tokens",
      json({ name: "x", scope: ["read_api"] }, bearer(withoutManage.token)),
    );
    expect(denied.status).toBe(403);
    expect(await issuer.store.listTokens("alice")).toHaveLength(3);
  });

  it("gives a self-service child what it leaves out from its parent", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const parent = await issuer.mint({
      scope: ["read_api", "read_project", "manage_tokens"],
      permissions: { read_project: ["p1", "p2"] },
      org: "acme",
      audience: ["https://registry.test"],
      expires_in: 7200,
    });
    const response = await issuer.request(
      "/v1/tokens",
      json({ name: "child", scope: ["read_project"] }, bearer(parent.token)),
    );
    expect(response.status).toBe(201);
    const child = (await response.json()) as MintAnswer & Record<string, unknown>;
    expect(child).toMatchObject({
      org: "acme",
      audience: ["https://registry.test"],
      permissions: { read_project: ["p1", "p2"] },
      // The default lifetime (30 days) cut short to the parent's expiry.
      expires_at: parent.expires_at,
    });
  });

  it("revokes every token of a subject, an org or a family in one call", async () => {
    const issuer = await createTestIssuer({
      store: kind,
      env: { TOKENMINT_MINT_RATE_PER_SUBJECT: "100000", TOKENMINT_MINT_RATE_PER_CLIENT: "100000" },
    });
    const actor = { clientId: "platform", rateLimitClient: "platform", audit: "client:platform" };
    const minted = [];
    for (let i = 0; i < 300; i++) {
      minted.push(
        await issueToken(
          issuer.ctx,
          {
            subject: `user${i % 3}`,
            name: `t${i}`,
            scope: ["read_api"],
            org: i % 2 ? "acme" : "globex",
          },
          actor,
        ),
      );
    }
    const revokeAll = (body: unknown) =>
      issuer.request("/v1/tokens/revoke-all", json(body, { authorization: issuer.clientAuth }));
    const byOrg = await revokeAll({ org: "acme", reason: "offboarding" });
    expect(await byOrg.json()).toEqual({ revoked: 150 });
    const bySubject = await revokeAll({ subject: "user0" });
    expect(await bySubject.json()).toEqual({ revoked: 50 }); // user0's globex half
    for (const { stored } of minted) {
      const expected =
        stored.record.org === "acme" || stored.record.sub === "user0" ? "revoked" : "active";
      expect((await issuer.store.getToken(stored.record.id))?.state).toBe(expected);
      const bits = await issuer.store.getStatus(stored.record.status);
      expect(bits).toBe(expected === "revoked" ? 1 : 0);
    }
    expect((await revokeAll({ org: "acme", subject: "x" })).status).toBe(400);
    const asUser = await issuer.request(
      "/v1/tokens/revoke-all",
      json({ org: "acme" }, bearer((await issuer.mint()).token)),
    );
    expect(asUser.status).toBe(403);
  });

  it("writes one use for many requests presenting a token at once, and again after the interval", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint();
    const store = issuer.store as { recordUsage: (...args: never[]) => Promise<void> };
    const recordUsage = store.recordUsage.bind(store);
    let writes = 0;
    store.recordUsage = (...args) => {
      writes += 1;
      return recordUsage(...args);
    };
    const together = async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          issuer.request("/v1/tokens/self", { headers: bearer(token.token) }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    };
    await together();
    expect(writes).toBe(1);
    issuer.clock.advance(61);
    await together();
    expect(writes).toBe(2);
    expect((await issuer.store.getToken(token.id))?.lastUsedAt).toBe(issuer.clock() / 1000);
  });

  it("records use from introspection, bearer authentication (throttled) and usage reports", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint();
    const start = issuer.clock() / 1000;
    await issuer.request("/v1/tokens/self", { headers: bearer(token.token) });
    issuer.clock.advance(30);
    await issuer.request("/v1/tokens/self", { headers: bearer(token.token) });
    expect((await issuer.store.getToken(token.id))?.lastUsedAt).toBe(start);
    const report = await issuer.request(
      "/v1/usage",
      json(
        {
          events: [
            { jti: token.id, at: start + 20, ip: "198.51.100.7" },
            { jti: token.id, at: new Date((start + 25) * 1000).toISOString(), ip: "2001:db8::1" },
            { jti: "unknown", at: start + 1 },
          ],
        },
        { authorization: issuer.clientAuth },
      ),
    );
    expect(report.status).toBe(200);
    expect(await report.json()).toEqual({ accepted: 3 });
    const shown = (await (
      await issuer.request(`/v1/tokens/${token.id}`, { headers: bearer(token.token) })
    ).json()) as Record<string, unknown>;
    // The latest report (start + 25) is newer than the first bearer use; the second bearer use
    // (start + 30) fell inside the 60 s write throttle and was not written.
    expect(shown.last_used_at).toBe(new Date((start + 25) * 1000).toISOString());
    expect(shown.last_used_ips).toEqual(["2001:db8::1", "198.51.100.7"]);
    const bad = await issuer.request(
      "/v1/usage",
      json({ events: [{ jti: token.id, at: "yesterday" }] }, { authorization: issuer.clientAuth }),
    );
    expect(bad.status).toBe(400);
  });

  it("produces each expiry notice exactly once", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint({ expires_in: 10 * 86400 });
    await issuer.mint({ name: "short", expires_in: 3600 });
    expect(await sweepExpiryNotices(issuer.ctx)).toBe(0);
    issuer.clock.advance(3 * 86400);
    expect(await sweepExpiryNotices(issuer.ctx)).toBe(1);
    expect(await sweepExpiryNotices(issuer.ctx)).toBe(0);
    issuer.clock.advance(6 * 86400 + 60);
    expect(await sweepExpiryNotices(issuer.ctx)).toBe(1);
    expect(await sweepExpiryNotices(issuer.ctx)).toBe(0);
    const notices = await auditTypes(issuer, "?type=token.expiring");
    expect(notices.events.map((e) => e.jti)).toEqual([token.id, token.id]);
  });

  it("enforces per-org lifetimes, non-expiring policy and the live-token limit", async () => {
    const issuer = await createTestIssuer({
      store: kind,
      env: {
        TOKENMINT_ORG_POLICIES: JSON.stringify({
          acme: { max_lifetime: "1d" },
          globex: { allow_non_expiring: true },
        }),
        TOKENMINT_MAX_TOKENS_PER_SUBJECT: "3",
      },
    });
    const mint = (body: Record<string, unknown>) =>
      issuer.request(
        "/v1/tokens",
        json(
          { subject: "zed", name: "n", scope: ["read_api"], ...body },
          { authorization: issuer.clientAuth },
        ),
      );
    expect((await mint({ org: "acme", expires_in: 2 * 86400 })).status).toBe(400);
    expect((await mint({ org: "globex", expires_at: null })).status).toBe(201);
    expect((await mint({ expires_at: null })).status).toBe(400);
    const second = (await (await mint({ org: "acme" })).json()) as MintAnswer;
    expect(second.expires_at).toBe(new Date(issuer.clock() + 86400_000).toISOString());
    expect((await mint({})).status).toBe(201);
    const overLimit = await mint({});
    expect(overLimit.status).toBe(409);
    expect(await overLimit.json()).toMatchObject({ code: "token_limit_reached" });
    // Rotation is allowed at the limit, and a revocation frees a place.
    const rotate = await issuer.request(`/v1/tokens/${second.id}/rotate`, {
      method: "POST",
      headers: { authorization: issuer.clientAuth },
    });
    expect(rotate.status).toBe(201);
    await issuer.request(`/v1/tokens/${((await rotate.json()) as MintAnswer).id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    expect((await mint({})).status).toBe(201);
  });

  it("rate-limits minting per subject with 429 and Retry-After", async () => {
    const issuer = await createTestIssuer({
      store: kind,
      env: { TOKENMINT_MINT_RATE_PER_SUBJECT: "3" },
    });
    for (let i = 0; i < 3; i++) await issuer.mint();
    const limited = await issuer.request(
      "/v1/tokens",
      json(
        { subject: "alice", name: "x", scope: ["read_api"] },
        { authorization: issuer.clientAuth },
      ),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: "rate_limited" });
    await issuer.mint({ subject: "bob" });
    issuer.clock.advance(60);
    await issuer.mint();
  });

  it("a mint refused for its client's rate holds no place of the subject's live-token limit", async () => {
    const issuer = await createTestIssuer({
      store: kind,
      env: { TOKENMINT_MINT_RATE_PER_CLIENT: "2", TOKENMINT_MAX_TOKENS_PER_SUBJECT: "3" },
    });
    const mint = () =>
      issuer.request(
        "/v1/tokens",
        json(
          { subject: "alice", name: "x", scope: ["read_api"] },
          { authorization: issuer.clientAuth },
        ),
      );
    expect([(await mint()).status, (await mint()).status]).toEqual([201, 201]);
    for (let i = 0; i < 3; i++) expect((await mint()).status).toBe(429);
    issuer.clock.advance(60);
    // The third place is free: the refused mints gave back what they had reserved.
    expect((await mint()).status).toBe(201);
    expect(await (await mint()).json()).toMatchObject({ code: "token_limit_reached" });
  });

  it("pages through the audit stream with filters", async () => {
    const issuer = await createTestIssuer({ store: kind });
    for (let i = 0; i < 5; i++) await issuer.mint({ subject: i % 2 ? "odd" : "even" });
    const first = await auditTypes(issuer, "?subject=even&limit=2");
    expect(first.events).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = await auditTypes(issuer, `?subject=even&limit=2&cursor=${first.next_cursor}`);
    expect(second.events).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const bad = await issuer.request("/v1/audit?limit=0", {
      headers: { authorization: issuer.clientAuth },
    });
    expect(bad.status).toBe(400);
    const asUser = await issuer.request("/v1/audit", {
      headers: bearer((await issuer.mint()).token),
    });
    expect(asUser.status).toBe(401);
  });
});
