import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import {
  codeOf,
  type FakeIssuer,
  ISSUER,
  LIST_URI,
  makeKey,
  withFakeIssuer,
} from "./fake-issuer.js";

let issuer: FakeIssuer;
const server = withFakeIssuer((created) => {
  issuer = created;
});

const hits = (uri = LIST_URI) => issuer.listHits.get(uri) ?? 0;

describe("status: values", () => {
  it.each([
    [0, "ok"],
    [1, "token_revoked"],
    [2, "token_suspended"],
    [3, "token_revoked"],
  ])("status %i → %s", async (status, code) => {
    issuer.setStatus(5, status);
    const token = await issuer.token({ status: { status_list: { idx: 5, uri: LIST_URI } } });
    expect(await codeOf(issuer.verifier().verify(token))).toBe(code);
  });

  it("reads 1-, 4- and 8-bit lists too", async () => {
    for (const bits of [1, 4, 8] as const) {
      issuer.lists.set(LIST_URI, { bits, bytes: new Uint8Array(8), ttl: 60, expIn: 600 });
      issuer.setStatus(3, 1);
      const verifier = issuer.verifier();
      const at = (idx: number) => issuer.token({ status: { status_list: { idx, uri: LIST_URI } } });
      expect(await codeOf(verifier.verify(await at(3)))).toBe("token_revoked");
      expect(await codeOf(verifier.verify(await at(4)))).toBe("ok");
    }
  });

  it("an index outside the list is claim_invalid", async () => {
    const verifier = issuer.verifier();
    const at = (idx: number) => issuer.token({ status: { status_list: { idx, uri: LIST_URI } } });
    expect(await codeOf(verifier.verify(await at(63)))).toBe("ok");
    expect(await codeOf(verifier.verify(await at(64)))).toBe("claim_invalid");
    expect(await codeOf(verifier.verify(await at(2 ** 40)))).toBe("claim_invalid");
  });

  it.each([
    "https://evil.example.com/v1/status-lists/1",
    "https://tokens.example.com.evil.example/v1/status-lists/1",
    `${ISSUER}`,
    `${ISSUER}/`,
    `${ISSUER}/v1/status-lists/../../x`,
    `${ISSUER}/v1/status-lists/%2e%2e/x`,
    `${ISSUER}/v1/status-lists/1?x=1`,
    `${ISSUER}/v1/status-lists/1#x`,
    "http://tokens.example.com/v1/status-lists/1",
  ])("never fetches a status URI outside the issuer: %s", async (uri) => {
    const token = await issuer.token({ status: { status_list: { idx: 0, uri } } });
    expect(await codeOf(issuer.verifier().verify(token))).toBe("claim_invalid");
    expect(issuer.listHits.size).toBe(0);
  });

  it("does not look at the status of a token that fails its own checks", async () => {
    const token = await issuer.token({ exp: issuer.seconds - 100 });
    expect(await codeOf(issuer.verifier().verify(token))).toBe("token_expired");
    expect(hits()).toBe(0);
  });

  it("can be turned off", async () => {
    issuer.setStatus(0, 1);
    const verifier = issuer.verifier({ statusList: { enabled: false } });
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    expect(hits()).toBe(0);
  });
});

describe("status: caching", () => {
  it("caches a list for its ttl, then sees a revocation", async () => {
    const verifier = issuer.verifier({ cache: false });
    const token = await issuer.token();
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    issuer.setStatus(0, 1);
    issuer.advance(59);
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    expect(hits()).toBe(1);
    issuer.advance(1);
    expect(await codeOf(verifier.verify(token))).toBe("token_revoked");
    expect(hits()).toBe(2);
  });

  it.each([
    ["a tiny ttl is raised to minTtlSeconds (5)", { ttl: 1 }, {}, 5],
    ["no ttl means minTtlSeconds", { ttl: undefined }, {}, 5],
    ["a huge ttl is capped at maxTtlSeconds (3600)", { ttl: 1e9, expIn: 1e6 }, {}, 3600],
    ["the clamps are configurable", { ttl: 1e9, expIn: 1e6 }, { maxTtlSeconds: 120 }, 120],
    ["never past the list's exp", { ttl: 600, expIn: 100 }, {}, 100],
    ["exp wins over minTtlSeconds", { ttl: 600, expIn: 2 }, {}, 2],
  ])("%s", async (_, list, statusList, seconds) => {
    Object.assign(issuer.list(), list);
    const verifier = issuer.verifier({ statusList });
    const token = await issuer.token({ exp: issuer.seconds + 1e7 });
    await verifier.verify(token);
    issuer.advance(seconds - 1);
    await verifier.verify(token);
    expect(hits()).toBe(1);
    issuer.advance(1);
    await verifier.verify(token);
    expect(hits()).toBe(2);
  });

  it("single-flight: concurrent verifications share one list fetch", async () => {
    const verifier = issuer.verifier();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issuer.token()));
    const codes = await Promise.all(tokens.map((t) => codeOf(verifier.verify(t))));
    expect(codes).toEqual(Array(10).fill("ok"));
    expect(hits()).toBe(1);
  });

  it("caches each list separately", async () => {
    const other = `${ISSUER}/v1/status-lists/2`;
    issuer.lists.set(other, { bits: 2, bytes: new Uint8Array(4), ttl: 60, expIn: 600 });
    issuer.setStatus(1, 2, other);
    const verifier = issuer.verifier();
    const at = (idx: number, uri: string) =>
      issuer.token({ status: { status_list: { idx, uri } } });
    expect(await codeOf(verifier.verify(await at(1, other)))).toBe("token_suspended");
    expect(await codeOf(verifier.verify(await at(1, LIST_URI)))).toBe("ok");
    expect([hits(), hits(other)]).toEqual([1, 1]);
  });
});

describe("status: failures fail closed (503) unless failOpen", () => {
  it("answers status_unavailable (503, Retry-After) when the list cannot be fetched", async () => {
    issuer.list().fail = true;
    const error = await issuer
      .verifier()
      .verify(await issuer.token())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "status_unavailable", status: 503 });
    expect((error as { headers: object }).headers).toEqual({ "Retry-After": "5" });
  });

  it("a stale cached list is not used when the refetch fails; retried after 5 s", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token();
    await verifier.verify(token);
    issuer.list().fail = true;
    issuer.advance(60);
    expect(await codeOf(verifier.verify(token))).toBe("status_unavailable");
    expect(await codeOf(verifier.verify(token))).toBe("status_unavailable");
    expect(hits()).toBe(2);
    issuer.list().fail = false;
    issuer.advance(4);
    expect(await codeOf(verifier.verify(token))).toBe("status_unavailable");
    issuer.advance(1);
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    expect(hits()).toBe(3);
  });

  it("failOpen: no list at all → accepted; a stale list still decides", async () => {
    const verifier = issuer.verifier({ statusList: { failOpen: true } });
    issuer.list().fail = true;
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    issuer.list().fail = false;
    issuer.advance(5);
    issuer.setStatus(0, 1);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("token_revoked");
    issuer.list().fail = true;
    issuer.advance(3600);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("token_revoked");
  });

  const bad: [string, () => Promise<unknown>][] = [
    ["HTTP 404", async () => issuer.lists.delete(LIST_URI)],
    [
      "sub is another list",
      async () => Object.assign(issuer.list(), { sub: `${ISSUER}/v1/status-lists/2` }),
    ],
    ["typ at+jwt", async () => Object.assign(issuer.list(), { typ: "at+jwt" })],
    [
      "signed by a key outside the JWKS",
      async () => Object.assign(issuer.list(), { signer: await makeKey() }),
    ],
    ["already expired", async () => Object.assign(issuer.list(), { expIn: -60 })],
    ["a negative ttl", async () => Object.assign(issuer.list(), { ttl: -1 })],
  ];

  it.each(bad)("an unusable list is status_unavailable: %s", async (_, spoil) => {
    await spoil();
    expect(await codeOf(issuer.verifier().verify(await issuer.token()))).toBe("status_unavailable");
  });

  it.each([
    [
      "the wrong content type",
      () => HttpResponse.text("x", { headers: { "Content-Type": "text/plain" } }),
    ],
    ["a redirect", () => HttpResponse.redirect(`${ISSUER}/elsewhere`, 302)],
    [
      "a body that is not a JWT",
      () =>
        new HttpResponse("not a jwt", {
          headers: { "Content-Type": "application/statuslist+jwt" },
        }),
    ],
  ])("a response with %s is status_unavailable", async (_, respond) => {
    server.use(http.get(LIST_URI, respond));
    expect(await codeOf(issuer.verifier().verify(await issuer.token()))).toBe("status_unavailable");
  });
});
