import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import type { AccessTokenClaims } from "../../packages/verifier/src/jwt/claims.js";
import { createTokenCache } from "../../packages/verifier/src/jwt/token-cache.js";
import { codeOf, type FakeIssuer, makeKey, withFakeIssuer } from "./fake-issuer.js";

let issuer: FakeIssuer;
withFakeIssuer((created) => {
  issuer = created;
});

describe("verified-token cache in the verifier", () => {
  it("a cache hit still sees a revocation once the list ttl has passed", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token();
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    expect(await codeOf(verifier.verify(token))).toBe("ok");
    issuer.setStatus(0, 1);
    issuer.advance(60);
    expect(await codeOf(verifier.verify(token))).toBe("token_revoked");
  });

  it("a forged token claiming a cached jti misses the cache and fails", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token({ jti: "tok-shared" });
    await verifier.verify(token);
    const [h, , s] = token.split(".");
    const payload = JSON.parse(
      new TextDecoder().decode(base64url.decode(token.split(".")[1] ?? "")),
    );
    const forged = base64url.encode(JSON.stringify({ ...payload, scope: "admin" }));
    expect(await codeOf(verifier.verify(`${h}.${forged}.${s}`))).toBe("signature_invalid");
    const attacker = await makeKey("ES256", issuer.keys[0]?.kid);
    const resigned = await issuer.token({ jti: "tok-shared", scope: "admin" }, {}, attacker);
    expect(await codeOf(verifier.verify(resigned))).toBe("signature_invalid");
  });

  it("a cached token expires with its exp", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token({ exp: issuer.seconds + 10 });
    await verifier.verify(token);
    issuer.advance(41);
    expect(await codeOf(verifier.verify(token))).toBe("token_expired");
  });

  it("a cached token dies with its signing key once the JWKS is refetched", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token();
    await verifier.verify(token);
    issuer.keys = [await makeKey("ES256", "replacement")];
    issuer.advance(300);
    expect(await codeOf(verifier.verify(token))).toBe("key_unknown");
  });

  it("verifyCached answers only what verify already established, and never a guess", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token();
    expect(verifier.verifyCached?.(token)).toBeUndefined();
    const claims = await verifier.verify(token);
    expect(verifier.verifyCached?.(token)).toEqual(claims);
    expect(verifier.verifyCached?.(`${token.slice(0, -1)}x`)).toBeUndefined();
    issuer.setStatus(0, 1);
    issuer.advance(60);
    // The list is stale now: no synchronous answer; verify fetches it and sees the revocation.
    expect(verifier.verifyCached?.(token)).toBeUndefined();
    expect(await codeOf(verifier.verify(token))).toBe("token_revoked");
    expect(() => verifier.verifyCached?.(token)).toThrow(/revoked/i);
  });

  it("a cache hit still needs the prefix and canonical form", async () => {
    const verifier = issuer.verifier();
    const token = await issuer.token();
    await verifier.verify(token);
    expect(await codeOf(verifier.verify(token.slice(6)))).toBe("token_malformed");
    expect(await codeOf(verifier.verify(`${token}=`))).toBe("token_malformed");
  });
});

describe("createTokenCache", () => {
  const claims = (jti: string, exp?: number) =>
    ({ iss: "i", jti, ...(exp === undefined ? {} : { exp }) }) as unknown as AccessTokenClaims;
  const header = { alg: "ES256", kid: "k" };

  it("is bounded by maxEntries: the entry verified longest ago makes room", () => {
    const cache = createTokenCache({ maxEntries: 2 });
    cache.set("ta", { claims: claims("a"), header }, 0);
    cache.set("tb", { claims: claims("b"), header }, 0);
    expect(cache.get("ta", 1)?.claims.jti).toBe("a");
    cache.set("tc", { claims: claims("c"), header }, 0);
    expect(cache.get("ta", 1)).toBeUndefined();
    expect(cache.get("tb", 1)?.claims.jti).toBe("b");
    expect(cache.get("tc", 1)?.claims.jti).toBe("c");
  });

  it("finds an entry by signature but answers only for the identical token", () => {
    const cache = createTokenCache();
    cache.set("h.p.sig", { claims: claims("a"), header }, 0);
    expect(cache.get("h.p.sig", 1)?.claims.jti).toBe("a");
    expect(cache.get("h.other.sig", 1)).toBeUndefined();
    expect(cache.get("tmpat_h.p.sig", 1)).toBeUndefined();
  });

  it("keeps an entry until min(exp, verified + maxAgeSeconds) and only for the same token", () => {
    const cache = createTokenCache({ maxAgeSeconds: 100 });
    cache.set("ta", { claims: claims("a", 50), header }, 0);
    cache.set("tb", { claims: claims("b"), header }, 0);
    expect(cache.get("ta ", 1)).toBeUndefined();
    expect(cache.get("ta", 49_999)?.claims.jti).toBe("a");
    expect(cache.get("ta", 50_000)).toBeUndefined();
    expect(cache.get("tb", 99_999)?.claims.jti).toBe("b");
    expect(cache.get("tb", 100_000)).toBeUndefined();
  });

  it("never keeps a token that is already expired or when maxEntries is 0", () => {
    const cache = createTokenCache({ maxEntries: 1 });
    cache.set("old", { claims: claims("a", 1), header }, 5_000);
    expect(cache.get("old", 5_000)).toBeUndefined();
    const none = createTokenCache({ maxEntries: 0 });
    none.set("t", { claims: claims("a"), header }, 0);
    expect(none.get("t", 1)).toBeUndefined();
  });
});
