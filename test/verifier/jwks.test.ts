import { exportJWK, generateKeyPair } from "jose";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { codeOf, type FakeIssuer, JWKS_URI, makeKey, withFakeIssuer } from "./fake-issuer.js";

let issuer: FakeIssuer;
const server = withFakeIssuer((created) => {
  issuer = created;
});

describe("JWKS: fetching and caching", () => {
  it("fetches the JWKS once and reuses it until its max age (300 s)", async () => {
    const verifier = issuer.verifier({ cache: false });
    for (let i = 0; i < 5; i++)
      expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    expect(issuer.jwksHits).toBe(1);
    issuer.advance(299);
    await verifier.verify(await issuer.token());
    expect(issuer.jwksHits).toBe(1);
    issuer.advance(1);
    await verifier.verify(await issuer.token());
    expect(issuer.jwksHits).toBe(2);
  });

  it("single-flight: N concurrent verifications with an unknown kid cause one fetch", async () => {
    const verifier = issuer.verifier();
    await verifier.verify(await issuer.token());
    expect(issuer.jwksHits).toBe(1);
    const rotated = await makeKey("ES256", "next-key");
    issuer.keys.push(rotated);
    issuer.advance(31);
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => issuer.token({}, {}, rotated)),
    );
    const codes = await Promise.all(tokens.map((t) => codeOf(verifier.verify(t))));
    expect(codes).toEqual(Array(20).fill("ok"));
    expect(issuer.jwksHits).toBe(2);
  });

  it("single-flight also on a cold start", async () => {
    const verifier = issuer.verifier();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issuer.token()));
    await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(issuer.jwksHits).toBe(1);
  });

  it("cooldown (30 s): unknown kids do not cause a refetch storm", async () => {
    const verifier = issuer.verifier();
    await verifier.verify(await issuer.token());
    for (let i = 0; i < 10; i++) {
      expect(await codeOf(verifier.verify(await issuer.token({}, { kid: `bogus-${i}` })))).toBe(
        "key_unknown",
      );
    }
    expect(issuer.jwksHits).toBe(1);
    issuer.advance(30);
    expect(await codeOf(verifier.verify(await issuer.token({}, { kid: "bogus" })))).toBe(
      "key_unknown",
    );
    expect(issuer.jwksHits).toBe(2);
    expect(await codeOf(verifier.verify(await issuer.token({}, { kid: "bogus" })))).toBe(
      "key_unknown",
    );
    expect(issuer.jwksHits).toBe(2);
  });

  it("a key that appears within the cooldown is picked up once the cooldown has passed", async () => {
    const verifier = issuer.verifier();
    await verifier.verify(await issuer.token());
    const rotated = await makeKey("ES256", "next-key");
    issuer.keys.push(rotated);
    const token = await issuer.token({}, {}, rotated);
    expect(await codeOf(verifier.verify(token))).toBe("key_unknown");
    issuer.advance(30);
    expect(await codeOf(verifier.verify(token))).toBe("ok");
  });

  it("a revoked key (gone from the JWKS) is rejected once the cached JWKS reaches max age", async () => {
    const verifier = issuer.verifier();
    const revoked = issuer.keys[0];
    await verifier.verify(await issuer.token());
    issuer.keys = [await makeKey("ES256", "replacement")];
    issuer.advance(299);
    expect(await codeOf(verifier.verify(await issuer.token({}, {}, revoked)))).toBe("ok");
    issuer.advance(1);
    expect(await codeOf(verifier.verify(await issuer.token({}, {}, revoked)))).toBe("key_unknown");
  });
});

describe("JWKS: stale-if-error", () => {
  it("keeps trusting cached keys for 24 h after the last good fetch, then fails closed (503)", async () => {
    const verifier = issuer.verifier({ cache: false });
    await verifier.verify(await issuer.token());
    issuer.jwksFail = true;
    issuer.advance(301);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    expect(issuer.jwksHits).toBe(2);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    expect(issuer.jwksHits).toBe(2);
    issuer.advance(30);
    await verifier.verify(await issuer.token());
    expect(issuer.jwksHits).toBe(3);
    issuer.advance(86_400 - 331);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    issuer.advance(1);
    const error = await verifier.verify(await issuer.token()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "keys_unavailable", status: 503 });
    expect((error as { headers: Record<string, string> }).headers["Retry-After"]).toBe("5");
    issuer.jwksFail = false;
    issuer.advance(30);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
  });

  it("with the JWKS down from the start: keys_unavailable, retried at most once per cooldown", async () => {
    issuer.jwksFail = true;
    const verifier = issuer.verifier();
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("keys_unavailable");
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("keys_unavailable");
    expect(issuer.jwksHits).toBe(1);
  });

  it("the stale bound and cooldown are configurable", async () => {
    const verifier = issuer.verifier({
      jwksCache: { maxAgeSeconds: 10, cooldownSeconds: 1, staleIfErrorSeconds: 60 },
    });
    await verifier.verify(await issuer.token());
    issuer.jwksFail = true;
    issuer.advance(60);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("ok");
    issuer.advance(1);
    expect(await codeOf(verifier.verify(await issuer.token()))).toBe("keys_unavailable");
  });
});

describe("JWKS: which published keys are usable", () => {
  async function publish(mutate: (jwk: Record<string, unknown>) => Record<string, unknown>) {
    const key = issuer.keys[0];
    if (!key) throw new Error("no key");
    issuer.keys = [{ ...key, publicJwk: mutate({ ...key.publicJwk }) }];
    return issuer.verifier().verify(await issuer.token({}, {}, key));
  }

  it.each([
    ["use enc", (j: Record<string, unknown>) => ({ ...j, use: "enc" })],
    ["key_ops without verify", (j: Record<string, unknown>) => ({ ...j, key_ops: ["encrypt"] })],
    ["alg of another family", (j: Record<string, unknown>) => ({ ...j, alg: "RS256" })],
    ["another curve", (j: Record<string, unknown>) => ({ ...j, crv: "P-384" })],
    ["no kid", (j: Record<string, unknown>) => ({ ...j, kid: undefined })],
  ])("ignores a key with %s", async (_, mutate) => {
    expect(await codeOf(publish(mutate))).toBe("key_unknown");
  });

  it("ignores a key that carries private members", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const d = (await exportJWK(privateKey)).d;
    expect(await codeOf(publish((j) => ({ ...j, d })))).toBe("key_unknown");
  });

  it("accepts use sig, key_ops [verify], and no alg member", async () => {
    expect(await codeOf(publish((j) => ({ ...j, key_ops: ["verify"], alg: undefined })))).toBe(
      "ok",
    );
  });

  it("ignores ambiguous duplicates of one kid", async () => {
    const key = issuer.keys[0];
    const twin = await makeKey("ES256", key?.kid);
    issuer.keys = [key as never, twin];
    expect(await codeOf(issuer.verifier().verify(await issuer.token()))).toBe("key_unknown");
  });

  it("a JWKS that is not a key set counts as a failed fetch", async () => {
    server.use(http.get(JWKS_URI, () => HttpResponse.json({ nope: true })));
    expect(await codeOf(issuer.verifier().verify(await issuer.token()))).toBe("keys_unavailable");
  });

  it("an oversized JWKS counts as a failed fetch", async () => {
    server.use(http.get(JWKS_URI, () => HttpResponse.text("x".repeat(300 * 1024))));
    expect(await codeOf(issuer.verifier().verify(await issuer.token()))).toBe("keys_unavailable");
  });
});
