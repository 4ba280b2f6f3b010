/**
 * Every signing algorithm end to end: the issuer signs with `node:crypto` (the default on Node)
 * or WebCrypto, and each kind of token verifies with both backends of the verifier, with plain
 * jose, and through the issuer's own introspection; ECDSA signatures are low-S.
 */
import { createVerifier } from "@tokenmint/verifier";
import { hasHighS, webCryptoSignatures } from "@tokenmint/verifier/jws";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { SIGNING_ALGORITHMS } from "../../src/config/config.js";
import { importKeks } from "../../src/keys/kek.js";
import { createKeyring } from "../../src/keys/keyring.js";
import { createTestIssuer, form, TEST_ISSUER } from "../helpers/issuer.js";

describe.each(SIGNING_ALGORITHMS)("signing with %s", (alg) => {
  it("mints tokens and status lists every verifier accepts", async () => {
    const issuer = await createTestIssuer({ env: { TOKENMINT_ALG: alg } });
    const jwks = await (await issuer.request("/.well-known/jwks.json")).json();
    const fetchFromIssuer: typeof fetch = async (input) =>
      issuer.request(new URL(String(input)).pathname);
    const tokens = [];
    for (let i = 0; i < 8; i++) tokens.push((await issuer.mint({ subject: `user-${i}` })).token);
    for (const crypto of ["auto", "webcrypto"] as const) {
      const verifier = createVerifier({
        issuer: TEST_ISSUER,
        audience: "https://api.test",
        jwks,
        fetch: fetchFromIssuer,
        crypto,
        cache: false,
        algorithms: [alg],
      });
      for (const token of tokens) expect((await verifier.verify(token)).iss).toBe(TEST_ISSUER);
    }
    for (const token of tokens) {
      const { protectedHeader } = await jwtVerify(token.slice(6), createLocalJWKSet(jwks), {
        issuer: TEST_ISSUER,
        audience: "https://api.test",
        algorithms: [alg],
        typ: "at+jwt",
      });
      expect(protectedHeader.alg).toBe(alg);
      const signature = Buffer.from(token.split(".")[2] ?? "", "base64url");
      expect(hasHighS(alg, signature)).toBe(false);
      const answer = await issuer.request(
        "/v1/introspect",
        form({ token }, { authorization: issuer.clientAuth }),
      );
      expect(await answer.json()).toMatchObject({ active: true });
    }
  });

  it("signs the same way with the WebCrypto backend", async () => {
    const issuer = await createTestIssuer({ env: { TOKENMINT_ALG: alg } });
    const keyring = createKeyring({
      store: issuer.store,
      keks: await importKeks(issuer.config.keks),
      algorithm: alg,
      clock: issuer.clock,
      signatures: webCryptoSignatures,
    });
    const token = (await issuer.mint()).token;
    const signing = await keyring.signingKey();
    expect(signing.alg).toBe(alg);
    const input = token.slice(6, token.lastIndexOf("."));
    const signature = await signing.sign(input);
    const forged = `tmpat_${input}.${Buffer.from(signature).toString("base64url")}`;
    // Same key, other backend: an equally valid signature over the same input.
    const answer = await issuer.request(
      "/v1/introspect",
      form({ token: forged }, { authorization: issuer.clientAuth }),
    );
    expect(await answer.json()).toMatchObject({ active: true });
    if (alg === "ES256") expect(hasHighS(alg, signature)).toBe(false);
  });
});
