/**
 * The store contract, shared by the memory and Redis runs (test/store/contract.test.ts) and the
 * Redis Cluster run (test/cluster): every store must pass it unchanged.
 */
import { readStatusBits } from "@tokenmint/verifier/status";
import { expect, it } from "vitest";
import type {
  AuditEntry,
  KeyringStore,
  MintOpening,
  Store,
  StoredKey,
  TokenRecord,
  WebhookDelivery,
} from "../../src/store/types.js";
import { TokenStatus } from "../../src/store/types.js";
import { type TestClock, testClock } from "../helpers/issuer.js";

export const NOW = Math.floor(testClock()() / 1000);

/**
 * A mint's first round trip for token `id` of alice at `now` with key k1 (the client's counter
 * `mint:client:c`, up to 10 live tokens and 10 mints a minute unless given).
 */
export function mintOpening(
  id: string,
  now: number,
  given: { readonly kid?: string; readonly maxLive?: number; readonly rateLimit?: number } = {},
): MintOpening {
  return {
    slot: { id, sub: "alice", exp: now + 100 },
    now,
    maxLive: given.maxLive ?? 10,
    retentionSeconds: 60,
    subjectRate: { limit: given.rateLimit ?? 10, windowSeconds: 60 },
    clientCounter: { name: "mint:client:c", windowSeconds: 60 },
    key: { kid: given.kid ?? "k1", exp: now + 100 },
  };
}
/** A subject mint rate no contract test reaches unless it means to. */
export const RATE = { limit: 1000, windowSeconds: 60 };

export function record(id: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id,
    sub: "alice",
    name: id,
    scope: ["read_api"],
    aud: ["https://api.test"],
    client_id: "platform",
    fam: id,
    kid: "k1",
    status: { list: "x", idx: 0 },
    created: NOW,
    exp: NOW + 3600,
    ...overrides,
  };
}

export function key(kid: string, state: StoredKey["state"]): StoredKey {
  return { kid, alg: "ES256", state, publicJwk: { kty: "EC" }, privateJwe: "jwe", createdAt: NOW };
}

/** Every key of the keyring (the test's view; the issuer reads {@link KeyringStore.readKeyring}). */
async function listKeys(store: KeyringStore): Promise<StoredKey[]> {
  return (await store.readKeyring()).keys;
}

/** Replaces one key's record through the keyring's compare-and-set, as key maintenance does. */
async function putKey(store: KeyringStore, stored: StoredKey): Promise<void> {
  const { version } = await store.readKeyring();
  expect(await store.updateKeys(version, { put: [stored], remove: [] })).toBe(true);
}

/** Defines the contract's tests (call inside a `describe`) for stores made by `makeStore`. */
export function defineStoreContract(makeStore: (clock: TestClock) => Store): void {
  async function openStore(listSize = 8) {
    const clock = testClock(NOW * 1000);
    const store = makeStore(clock);
    const epoch = await store.open(listSize);
    return { store, clock, epoch };
  }

  it("keeps one epoch and list size once opened", async () => {
    const { store, epoch } = await openStore(8);
    expect(epoch.id).toMatch(/^[a-z0-9]{10}$/);
    expect(await store.open(16)).toMatchObject({ id: epoch.id, listSize: 8 });
    await store.ping();
    await store.close();
  });

  it("never hands out one status index twice, and starts a new list when one is full", async () => {
    const { store, epoch } = await openStore(8);
    const refs = await Promise.all(
      Array.from({ length: 20 }, () => store.allocateStatus(NOW + 60)),
    );
    const seen = new Set(refs.map((ref) => `${ref.list}#${ref.idx}`));
    expect(seen.size).toBe(20);
    const lists = [...new Set(refs.map((ref) => ref.list))].sort();
    expect(lists).toEqual([`${epoch.id}-0`, `${epoch.id}-1`, `${epoch.id}-2`]);
    expect(refs.every((ref) => ref.idx >= 0 && ref.idx < 8)).toBe(true);
    await store.close();
  });

  it("sets and reads 2-bit statuses, and serves the packed list least significant bits first", async () => {
    const { store, epoch } = await openStore(8);
    const refs = [];
    for (let i = 0; i < 6; i++) refs.push(await store.allocateStatus(NOW + 60));
    await store.setStatus(refs[1]!, TokenStatus.revoked);
    await store.setStatus(refs[2]!, TokenStatus.suspended);
    await store.setStatus(refs[5]!, TokenStatus.revoked);
    expect(await store.getStatus(refs[0]!)).toBe(0);
    expect(await store.getStatus(refs[1]!)).toBe(1);
    expect(await store.getStatus(refs[2]!)).toBe(2);
    expect(await Promise.all(refs.map((ref) => store.getStatus(ref)))).toEqual([0, 1, 2, 0, 0, 1]);
    const withStatus = await Promise.all(refs.map((ref) => store.getTokenWithStatus("none", ref)));
    expect(withStatus.map(({ stored, status }) => [stored, status])).toEqual(
      [0, 1, 2, 0, 0, 1].map((status) => [null, status]),
    );
    const bytes = await store.readStatusList(`${epoch.id}-0`);
    // idx1=01, idx2=10 → byte0 = 0b00_10_01_00 = 0x24; idx5=01 → byte1 = 0b00_00_01_00 = 0x04
    expect(bytes && [...bytes]).toEqual([0x24, 0x04]);
    expect([0, 1, 2, 3, 4, 5].map((i) => readStatusBits(bytes!, i))).toEqual([0, 1, 2, 0, 0, 1]);
    await store.setStatus(refs[2]!, TokenStatus.valid);
    expect(await store.getStatus(refs[2]!)).toBe(0);
    await store.close();
  });

  it("answers null for lists that were never allocated or belong to another epoch", async () => {
    const { store, epoch } = await openStore(8);
    await store.allocateStatus(NOW + 60);
    expect(await store.readStatusList(`${epoch.id}-1`)).toBeNull();
    expect(await store.readStatusList("aaaaaaaaaa-0")).toBeNull();
    expect(await store.readStatusList("../../etc")).toBeNull();
    await store.close();
  });

  it("saves, lists and updates token records, newest first, with usage", async () => {
    const { store } = await openStore();
    for (const saved of [
      record("a", { created: NOW - 10 }),
      record("b"),
      record("c", { sub: "bob" }),
    ]) {
      expect(await store.reserveSubjectSlot(saved, NOW, 10, 60, RATE)).toBe("reserved");
      await store.saveToken(saved, 60);
    }
    expect((await store.listTokens("alice")).map((t) => t.record.id)).toEqual(["b", "a"]);
    const some = await store.getTokens(["c", "missing", "a"]);
    expect(some.map((token) => token?.record.id ?? null)).toEqual(["c", null, "a"]);
    expect(some[0]).toEqual(await store.getToken("c"));
    expect(await store.getTokens([])).toEqual([]);
    // The record with its status entry; list "x" was never allocated: read as revoked.
    expect(await store.getTokenWithStatus("c", { list: "x", idx: 0 })).toEqual({
      stored: await store.getToken("c"),
      status: TokenStatus.revoked,
    });
    await store.setTokenState(record("a"), "revoked", NOW);
    await store.recordUsage("a", NOW + 5, "203.0.113.1");
    await store.recordUsage("a", NOW + 6, "203.0.113.2");
    await store.recordUsage("a", NOW + 7, "203.0.113.1");
    await store.recordUsage("a", NOW + 1, undefined);
    expect(await store.getToken("a")).toEqual({
      record: record("a", { created: NOW - 10 }),
      state: "revoked",
      lastUsedAt: NOW + 7,
      lastUsedIps: ["203.0.113.1", "203.0.113.2"],
      rotatedTo: null,
    });
    expect(await store.getToken("missing")).toBeNull();
    await store.setTokenState(record("missing"), "revoked", NOW);
    expect(await store.getToken("missing")).toBeNull();
    await store.close();
  });

  it("limits live tokens per subject; revoked and expired ones stop counting", async () => {
    const { store } = await openStore();
    const a = record("a");
    const b = record("b");
    const c = record("c", { exp: NOW + 10 });
    expect(await store.reserveSubjectSlot(a, NOW, 2, 60, RATE)).toBe("reserved");
    expect(await store.reserveSubjectSlot(b, NOW, 2, 60, RATE)).toBe("reserved");
    expect(await store.reserveSubjectSlot(c, NOW, 2, 60, RATE)).toBe("limit_reached");
    expect(await store.reserveSubjectSlot(record("bobs", { sub: "bob" }), NOW, 2, 60, RATE)).toBe(
      "reserved",
    );
    await store.saveToken(a, 60);
    await store.setTokenState(a, "revoked", NOW);
    expect(await store.reserveSubjectSlot(c, NOW, 2, 60, RATE)).toBe("reserved");
    expect(await store.reserveSubjectSlot(record("d"), NOW, 2, 60, RATE)).toBe("limit_reached");
    // c expires at NOW + 10: later it no longer counts
    expect(await store.reserveSubjectSlot(record("d"), NOW + 11, 2, 60, RATE)).toBe("reserved");
    // a ended at NOW: 61 s later (past the 60 s retention) it leaves the index; c (NOW + 10) not yet
    await store.reserveSubjectSlot(record("e"), NOW + 61, 9, 60, RATE);
    expect((await store.listTokenIds({ subject: "alice" })).sort()).toEqual(["b", "c", "d", "e"]);
    await store.close();
  });

  it("refuses a subject over its mint rate without reserving, and gives a place back", async () => {
    const { store } = await openStore();
    const rate = { limit: 2, windowSeconds: 60 };
    expect(await store.reserveSubjectSlot(record("a"), NOW, 10, 60, rate)).toBe("reserved");
    expect(await store.reserveSubjectSlot(record("b"), NOW, 10, 60, rate)).toBe("reserved");
    expect(await store.reserveSubjectSlot(record("c"), NOW, 10, 60, rate)).toBe("rate_limited");
    // Another subject has its own rate; the next window starts afresh.
    expect(await store.reserveSubjectSlot(record("d", { sub: "bob" }), NOW, 10, 60, rate)).toBe(
      "reserved",
    );
    await store.releaseSubjectSlot(record("b"));
    expect((await store.listTokenIds({ subject: "alice" })).sort()).toEqual(["a"]);
    const nextWindow = (Math.floor(NOW / 60) + 1) * 60;
    expect(await store.reserveSubjectSlot(record("e"), nextWindow, 2, 60, rate)).toBe("reserved");
    // The live limit counts what is reserved now: a and e (b was given back, c never reserved).
    expect(await store.reserveSubjectSlot(record("f"), nextWindow, 2, 60, rate)).toBe(
      "limit_reached",
    );
    expect((await store.listTokenIds({ subject: "alice" })).sort()).toEqual(["a", "e"]);
    await store.close();
  });

  it("opens a mint: the client's count, the subject's rate and slot and the signing gate at once", async () => {
    const { store } = await openStore();
    await store.addKey(key("k1", "active"), true);
    await store.addKey(key("k2", "next"), false);
    const opening = (id: string, kid = "k1") =>
      mintOpening(id, NOW, { kid, maxLive: 2, rateLimit: 3 });
    expect(await store.openMint(opening("a"))).toEqual({
      clientHits: 1,
      slot: "reserved",
      keyNoted: true,
    });
    expect((await store.readKeyring()).keys.find((k) => k.kid === "k1")?.latestExp).toBe(NOW + 100);
    // A key that is not active fails the gate; the other parts do what they do on their own.
    expect(await store.openMint(opening("b", "k2"))).toEqual({
      clientHits: 2,
      slot: "reserved",
      keyNoted: false,
    });
    expect((await store.openMint(opening("c"))).slot).toBe("limit_reached");
    expect((await store.openMint(opening("d"))).slot).toBe("rate_limited");
    expect(await store.countHit("mint:client:c", NOW, 60)).toBe(5);
    expect((await store.listTokenIds({ subject: "alice" })).sort()).toEqual(["a", "b"]);
    await store.close();
  });

  it("indexes tokens by family, org and expiry day", async () => {
    const { store } = await openStore();
    // As a mint does: the subject's slot first, then the record.
    for (const saved of [
      record("f1", { fam: "f1", org: "acme", exp: NOW + 100 }),
      record("f2", { fam: "f1", org: "acme", exp: NOW + 86400 * 3 }),
      record("g1", { fam: "g1", exp: null }),
      record("h1", { sub: "bob", org: "other", exp: NOW + 50 }),
      record("h2", { sub: "bob", org: "acme", exp: NOW + 86400 * 3 + 10 }),
    ]) {
      expect(await store.reserveSubjectSlot(saved, NOW, 10, 60, RATE)).toBe("reserved");
      await store.saveToken(saved, 60);
    }
    expect((await store.listTokenIds({ family: "f1" })).sort()).toEqual(["f1", "f2"]);
    expect((await store.listTokenIds({ org: "acme" })).sort()).toEqual(["f1", "f2", "h2"]);
    expect(await store.listTokenIds({ org: "other" })).toEqual(["h1"]);
    expect(await store.listTokenIds({ org: "none" })).toEqual([]);
    expect((await store.listExpiringIds(NOW, NOW + 100)).sort()).toEqual(["f1", "h1"]);
    expect(await store.listExpiringIds(NOW + 50, NOW + 100)).toEqual(["f1"]);
    expect((await store.listExpiringIds(NOW + 100, NOW + 86400 * 4)).sort()).toEqual(["f2", "h2"]);
    expect(await store.listExpiringIds(NOW + 86400 * 3, NOW + 86400 * 5)).toEqual(["h2"]);
    expect(await store.listExpiringIds(NOW + 86400 * 3 + 10, NOW + 86400 * 5)).toEqual([]);
    await store.close();
  });

  it("keeps the latest activity per token and day, lists it by time, and drops only unchanged entries", async () => {
    const { store } = await openStore();
    const keep = NOW + 86400 * 30;
    await store.noteActivity("a", NOW + 10, keep);
    await store.noteActivity("a", NOW + 5, keep);
    await store.noteActivity("b", NOW + 20, keep);
    await store.noteActivity("a", NOW + 86400 * 2, keep);
    const sorted = (from: number, to: number) =>
      store.listIdleEntries(from, to).then((entries) => entries.sort((x, y) => x.at - y.at));
    expect(await sorted(NOW, NOW + 100)).toEqual([
      { id: "a", at: NOW + 10 },
      { id: "b", at: NOW + 20 },
    ]);
    expect(await sorted(NOW + 10, NOW + 86400 * 3)).toEqual([
      { id: "b", at: NOW + 20 },
      { id: "a", at: NOW + 86400 * 2 },
    ]);
    await store.noteActivity("b", NOW + 30, keep);
    await store.dropIdleEntry({ id: "b", at: NOW + 20 });
    await store.dropIdleEntry({ id: "a", at: NOW + 10 });
    expect(await sorted(NOW, NOW + 86400 * 3)).toEqual([
      { id: "b", at: NOW + 30 },
      { id: "a", at: NOW + 86400 * 2 },
    ]);
    await store.close();
  });

  it("moves a token's state only from the expected states (compare-and-set)", async () => {
    const { store } = await openStore();
    await store.saveToken(record("t"), 60);
    const results = await Promise.all([
      store.transitionTokenState("t", ["active"], "rotated", "n1"),
      store.transitionTokenState("t", ["active"], "rotated", "n2"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await store.getToken("t");
    expect(after?.state).toBe("rotated");
    expect(after?.rotatedTo).toBe(results[0] ? "n1" : "n2");
    expect(await store.transitionTokenState("t", ["active", "suspended"], "revoked")).toBe(false);
    expect(await store.transitionTokenState("missing", ["active"], "revoked")).toBe(false);
    await store.close();
  });

  it("allocates pending indexes from their own lists, whose entries start suspended", async () => {
    const { store } = await openStore();
    const valid = await store.allocateStatus(null);
    const first = await store.allocateStatus(null, "pending");
    const second = await store.allocateStatus(null, "pending");
    expect(first.list).toMatch(/^[a-z0-9]{10}-p0$/);
    expect([first.idx, second.idx]).toEqual([0, 1]);
    expect(valid.list).toMatch(/^[a-z0-9]{10}-0$/);
    expect(await store.getStatus(valid)).toBe(0);
    expect(await store.getStatus(second)).toBe(2);
    await store.setStatus(first, 0);
    const bytes = await store.readStatusList(first.list);
    // Entry 0 valid (approved), every other entry suspended: 0b10101000, then 0b10101010.
    expect(bytes?.[0]).toBe(0xa8);
    expect(bytes?.slice(1).every((byte) => byte === 0xaa)).toBe(true);
    expect(await store.readStatusList(first.list.replace(/p0$/, "p1"))).toBeNull();
    await store.close();
  });

  it("saves a pending record in one write and decides it once, with the decision (compare-and-set)", async () => {
    const { store } = await openStore();
    await store.saveToken(record("p"), 60, "pending");
    await store.saveToken(record("q"), 60, "pending");
    await store.saveToken(record("a"), 60);
    expect((await store.getToken("p"))?.state).toBe("pending");
    expect(await store.getToken("p")).not.toHaveProperty("decision");
    const approve = { verdict: "approved", at: NOW, by: "client:one", reason: "ok" } as const;
    const deny = { verdict: "denied", at: NOW, by: "client:two" } as const;
    const results = await Promise.all([
      store.decideApproval("p", approve),
      store.decideApproval("p", deny),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const decided = await store.getToken("p");
    expect(decided?.state).toBe(results[0] ? "active" : "revoked");
    expect(decided?.decision).toEqual(results[0] ? approve : deny);
    expect(await store.decideApproval("q", deny)).toBe(true);
    expect(await store.getToken("q")).toMatchObject({ state: "revoked", decision: deny });
    // Only a pending token is decided: active, suspended, decided and missing ones are not.
    await store.setTokenState(record("q"), "suspended", NOW);
    expect(await store.decideApproval("q", approve)).toBe(false);
    expect(await store.decideApproval("a", approve)).toBe(false);
    expect(await store.decideApproval("missing", approve)).toBe(false);
    expect(await store.getToken("a")).not.toHaveProperty("decision");
    expect(await store.getToken("missing")).toBeNull();
    await store.close();
  });

  it("claims once, counts hits per window, and keeps a capped, paginated audit stream", async () => {
    const { store } = await openStore();
    expect(await store.claimOnce("notice:x", 60)).toBe(true);
    expect(await store.claimOnce("notice:x", 60)).toBe(false);
    expect(await store.countHit("mint:alice", NOW, 60)).toBe(1);
    expect(await store.countHit("mint:alice", NOW, 60)).toBe(2);
    expect(await store.countHit("mint:bob", NOW, 60)).toBe(1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await store.appendAudit({ type: `e${i}`, at: NOW + i, actor: "test" }, 1000));
    }
    const firstPage = await store.readAudit({ count: 2 });
    expect(firstPage.map((e) => e.type)).toEqual(["e4", "e3"]);
    expect(firstPage[0]).toEqual({ type: "e4", at: NOW + 4, actor: "test", id: ids[4] });
    const secondPage = await store.readAudit({ before: firstPage[1]!.id, count: 2 });
    expect(secondPage.map((e) => e.type)).toEqual(["e2", "e1"]);
    await store.close();
  });

  it("keeps only the last five distinct IPs", async () => {
    const { store } = await openStore();
    await store.saveToken(record("ips"), 60);
    for (let i = 1; i <= 7; i++) await store.recordUsage("ips", NOW + i, `198.51.100.${i}`);
    expect((await store.getToken("ips"))?.lastUsedIps).toEqual([
      "198.51.100.7",
      "198.51.100.6",
      "198.51.100.5",
      "198.51.100.4",
      "198.51.100.3",
    ]);
    await store.close();
  });

  it("adds keys, and adds an 'only if none is active' key once", async () => {
    const { store } = await openStore();
    expect(await store.addKey(key("k1", "active"), true)).toBe(true);
    expect(await store.addKey(key("k2", "active"), true)).toBe(false);
    expect(await store.addKey(key("k1", "next"), false)).toBe(false);
    expect(await store.addKey(key("k3", "next"), false)).toBe(true);
    await putKey(store, key("k1", "retired"));
    const keys = (await listKeys(store)).map((k) => `${k.kid}:${k.state}`).sort();
    expect(keys).toEqual(["k1:retired", "k3:next"]);
    await store.close();
  });

  it("keeps the org → cell map with a version bumped by every change", async () => {
    const { store } = await openStore();
    await store.seedOrgCells({ acme: "c1", globex: "c2" });
    expect(await store.readOrgCells()).toEqual({ version: 1, cells: { acme: "c1", globex: "c2" } });
    await store.seedOrgCells({ acme: "c9" });
    expect((await store.readOrgCells()).version).toBe(1);
    expect(await store.setOrgCell("acme", "c3")).toBe(2);
    expect(await store.getOrgCell("acme")).toBe("c3");
    expect(await store.getOrgCell("initech")).toBeUndefined();
    await store.close();
  });

  it("reads the keyring with its version, and bumps the version with every key change", async () => {
    const { store } = await openStore();
    const start = await store.readKeyring();
    expect(start.keys).toEqual([]);
    await store.addKey(key("k1", "active"), true);
    const one = await store.readKeyring();
    expect(one.version).toBeGreaterThan(start.version);
    await putKey(store, key("k1", "retired"));
    expect((await store.readKeyring()).version).toBeGreaterThan(one.version);
    expect(await store.addKey(key("k1", "next"), false)).toBe(false);
    await store.close();
  });

  it("updates the keyring by compare-and-set: one writer wins, the other is refused", async () => {
    const { store } = await openStore();
    await store.addKey(key("k1", "active"), true);
    await store.addKey(key("k2", "next"), false);
    const { version } = await store.readKeyring();
    const results = await Promise.all([
      store.updateKeys(version, { put: [key("k2", "active"), key("k1", "retired")], remove: [] }),
      store.updateKeys(version, { put: [key("k3", "active")], remove: ["k1"] }),
    ]);
    expect(results.sort()).toEqual([false, true]);
    const after = await store.readKeyring();
    expect(after.version).toBe(version + 1);
    const states = after.keys.map((k) => `${k.kid}:${k.state}`).sort();
    expect([
      ["k1:retired", "k2:active"],
      ["k2:next", "k3:active"],
    ]).toContainEqual(states);
    expect(await store.updateKeys(version, { put: [], remove: ["k2"] })).toBe(false);
    expect(await store.updateKeys(after.version, { put: [], remove: ["k2"] })).toBe(true);
    expect((await listKeys(store)).map((k) => k.kid)).not.toContain("k2");
    await store.close();
  });

  it("gates signing on the key being active and keeps the latest exp it signed", async () => {
    const { store } = await openStore();
    await store.addKey(key("k1", "active"), true);
    await store.addKey(key("k2", "next"), false);
    const latest = async (kid: string) =>
      (await listKeys(store)).find((k) => k.kid === kid)?.latestExp;
    expect(await latest("k1")).toBeUndefined();
    expect(await store.noteKeyUse("k1", undefined)).toBe(true);
    expect(await latest("k1")).toBeUndefined();
    expect(await store.noteKeyUse("k1", NOW + 100)).toBe(true);
    expect(await store.noteKeyUse("k1", NOW + 50)).toBe(true);
    expect(await latest("k1")).toBe(NOW + 100);
    // Rewriting the record leaves the latest exp alone.
    await putKey(store, { ...key("k1", "active"), latestExp: NOW });
    expect(await latest("k1")).toBe(NOW + 100);
    expect(await store.noteKeyUse("k1", null)).toBe(true);
    expect(await store.noteKeyUse("k1", NOW + 999)).toBe(true);
    expect(await latest("k1")).toBeNull();
    expect(await store.noteKeyUse("k2", NOW + 100)).toBe(false);
    expect(await store.noteKeyUse("nope", NOW + 100)).toBe(false);
    expect(await latest("k2")).toBeUndefined();
    const { version } = await store.readKeyring();
    await store.updateKeys(version, { put: [key("k1", "retired")], remove: [] });
    expect(await store.noteKeyUse("k1", undefined)).toBe(false);
    expect(await latest("k1")).toBeNull();
    const removed = await store.readKeyring();
    await store.updateKeys(removed.version, { put: [], remove: ["k1"] });
    await store.addKey(key("k1", "active"), false);
    expect(await latest("k1")).toBeUndefined();
    // A member named state inside the record (a JWK's own) does not stand for the key's state.
    const odd = (state: StoredKey["state"]) => ({
      ...key("k4", state),
      publicJwk: { kty: "EC", state: "active" },
    });
    await store.addKey(odd("retired"), false);
    expect(await store.noteKeyUse("k4", NOW + 100)).toBe(false);
    const again = await store.readKeyring();
    await store.updateKeys(again.version, { put: [odd("active")], remove: [] });
    expect(await store.noteKeyUse("k4", NOW + 100)).toBe(true);
    await store.close();
  });

  it("skips the outbox forward to an entry without reading it, and never back", async () => {
    const { store } = await openStore();
    await store.openOutbox();
    expect(await store.outboxEnd()).toMatch(/^\d+-\d+$/);
    const first = await store.appendAudit({ type: "token.minted", at: NOW, actor: "test" }, 1000);
    const second = await store.appendAudit({ type: "token.revoked", at: NOW, actor: "test" }, 1000);
    expect(await store.outboxEnd()).toBe(second);
    await store.skipOutboxTo(second);
    await store.skipOutboxTo(first);
    expect(await store.readOutbox("c1", 10, 60_000)).toEqual([]);
    const third = await store.appendAudit({ type: "token.revoked", at: NOW, actor: "test" }, 1000);
    expect((await store.readOutbox("c1", 10, 60_000)).map((entry) => entry.id)).toEqual([third]);
  });

  it("fans audit events out once through the webhook outbox, leases due deliveries, and keeps failed ones for redelivery", async () => {
    const { store, clock } = await openStore();
    await store.appendAudit({ type: "token.minted", at: NOW, actor: "test" }, 1000);
    await store.openOutbox();
    await store.openOutbox();
    const ids = [
      await store.appendAudit({ type: "token.revoked", at: NOW, actor: "test", jti: "a" }, 1000),
      await store.appendAudit({ type: "token.revoked", at: NOW, actor: "test", jti: "b" }, 1000),
    ];
    const read = await store.readOutbox("c1", 10, 60_000);
    expect(read.map((entry) => entry.id)).toEqual(ids);
    expect(await store.readOutbox("c2", 10, 60_000)).toEqual([]);
    const now = clock();
    const delivery = (event: AuditEntry): WebhookDelivery => ({
      hook: "h1",
      event,
      state: "pending",
      attempts: 0,
      createdAt: now,
      queuedAt: now,
      nextAttemptAt: now,
      lastAttemptAt: null,
      lastStatus: null,
      lastError: null,
    });
    await store.fanOut(read.map(delivery), ids);
    await store.fanOut([{ ...delivery(read[0] as AuditEntry), attempts: 9 }], []);
    expect(await store.readOutbox("c2", 10, 0)).toEqual([]);

    const claims = await store.claimDeliveries(now, 30_000, 10);
    expect(claims.map((claim) => claim.delivery)).toEqual(read.map(delivery));
    expect(await store.claimDeliveries(now, 30_000, 10)).toEqual([]);
    const [first, second] = claims as [(typeof claims)[0], (typeof claims)[0]];
    expect(await store.finishDelivery(first, null)).toBe(true);
    const failed: WebhookDelivery = {
      ...second.delivery,
      state: "failed",
      attempts: 1,
      nextAttemptAt: null,
      lastAttemptAt: now,
      lastStatus: 503,
      lastError: "HTTP 503",
    };
    expect(await store.finishDelivery(second, failed)).toBe(true);
    expect(await store.finishDelivery(second, null)).toBe(false);
    expect(await store.listDeliveries("h1", 10)).toEqual([failed]);
    expect(await store.getDelivery("h1", ids[1] as string)).toEqual(failed);
    expect(await store.claimDeliveries(now + 3_600_000, 30_000, 10)).toEqual([]);
    const again: WebhookDelivery = { ...failed, state: "pending", attempts: 0, nextAttemptAt: now };
    expect(await store.requeueDelivery(failed, again)).toBe(true);
    expect(await store.requeueDelivery(failed, again)).toBe(false);
    expect((await store.claimDeliveries(now, 30_000, 10)).map((claim) => claim.delivery)).toEqual([
      again,
    ]);

    const hook = { id: "h1", url: "https://hooks.example.com/t", secretJwe: "jwe", createdAt: now };
    await store.saveWebhook(hook);
    expect(await store.listWebhooks()).toEqual([hook]);
    const resealed = { ...hook, secretJwe: "jwe2" };
    expect(await store.replaceWebhook(hook, resealed)).toBe(true);
    expect(await store.replaceWebhook(hook, { ...hook, secretJwe: "jwe3" })).toBe(false);
    expect(await store.listWebhooks()).toEqual([resealed]);
    expect(await store.deleteWebhook("h1")).toBe(true);
    expect(await store.listWebhooks()).toEqual([]);
    expect(await store.listDeliveries("h1", 10)).toEqual([]);
    expect(await store.deleteWebhook("h1")).toBe(false);
    // A webhook deleted meanwhile is not brought back.
    expect(await store.replaceWebhook(resealed, { ...resealed, secretJwe: "jwe4" })).toBe(false);
    expect(await store.listWebhooks()).toEqual([]);
    await store.close();
  });
}
