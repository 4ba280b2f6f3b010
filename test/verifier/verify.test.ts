import { base64url, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenVerificationFailed } from "../../packages/verifier/src/errors.js";
import { toLowS } from "../../packages/verifier/src/jws/low-s.js";
import { defaultSignatures } from "../../packages/verifier/src/jws/signatures.js";
import {
  AUDIENCE,
  codeOf,
  type FakeIssuer,
  ISSUER,
  LIST_URI,
  makeKey,
  withFakeIssuer,
} from "./fake-issuer.js";

let issuer: FakeIssuer;
withFakeIssuer((created) => {
  issuer = created;
});

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
// ES256 signatures are 64 bytes: 86 characters, so the last one carries 4 unused bits that must be
// zero ([AQgw]); the next character of the alphabet decodes to the same bytes but is not canonical.
const NEXT_CHAR: Record<string, string> = { A: "B", Q: "R", g: "h", w: "x" };

/** Signs header and payload as given (jose refuses to sign some of the headers under test). */
async function signRaw(header: object, payload: object, key: CryptoKey): Promise<string> {
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    new TextEncoder().encode(input),
  );
  return toLowS("ES256", `${input}.${base64url.encode(new Uint8Array(signature))}`);
}

describe("verify: a valid token", () => {
  it("returns its claims exactly", async () => {
    const claims = issuer.claims({
      org: "acme",
      cell: "eu-1",
      permissions: { read_project: ["p/1"] },
    });
    const token = `tmpat_${toLowS(
      "ES256",
      await new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: issuer.keys[0]?.kid as string, typ: "at+jwt" })
        .sign(issuer.keys[0]?.privateKey as CryptoKey),
    )}`;
    expect(await issuer.verifier().verify(token)).toEqual(claims);
  });

  it.each(["EdDSA", "RS256", "PS256"])("accepts %s", async (alg) => {
    issuer.keys = [await makeKey(alg)];
    expect((await issuer.verifier().verify(await issuer.token())).sub).toBe("user-1");
  });

  it.each(["ES256", "EdDSA", "RS256", "PS256"])(
    "checks %s signatures the same with node:crypto (the default on Node) and WebCrypto",
    async (alg) => {
      expect(defaultSignatures.name).toBe("node");
      issuer.keys = [await makeKey(alg)];
      const token = await issuer.token();
      const [h, p, s] = token.split(".");
      const other = await issuer.token({ sub: "user-2" });
      const spliced = `${h}.${other.split(".")[1]}.${s}`;
      for (const crypto of ["auto", "webcrypto"] as const) {
        const verifier = issuer.verifier({ crypto, cache: false });
        expect(await codeOf(verifier.verify(token))).toBe("ok");
        expect(await codeOf(verifier.verify(spliced))).toBe("signature_invalid");
        expect(await codeOf(verifier.verify(`${h}.${p}.${s?.slice(0, -4)}AAAA`))).toBe(
          "signature_invalid",
        );
      }
    },
  );

  it("accepts an empty prefix (bare JWT) when configured so", async () => {
    const token = await issuer.token({}, {}, undefined, "");
    expect(await codeOf(issuer.verifier({ prefix: "" }).verify(token))).toBe("ok");
    expect(await codeOf(issuer.verifier().verify(token))).toBe("token_malformed");
  });

  it("refuses a token longer than maxTokenLength (the issuer's limit, prefix excluded)", async () => {
    const token = await issuer.token();
    const length = token.length - "tmpat_".length;
    expect(await codeOf(issuer.verifier({ maxTokenLength: length }).verify(token))).toBe("ok");
    expect(await codeOf(issuer.verifier({ maxTokenLength: length - 1 }).verify(token))).toBe(
      "token_malformed",
    );
    expect(() => issuer.verifier({ maxTokenLength: 0 })).toThrow("maxTokenLength");
  });

  it("accepts a token within the clock tolerance and a static jwks", async () => {
    const token = await issuer.token({ exp: issuer.seconds - 20, iat: issuer.seconds + 20 });
    const jwks = { keys: issuer.keys.map((k) => k.publicJwk) };
    expect(await codeOf(issuer.verifier({ jwks }).verify(token))).toBe("ok");
    expect(issuer.jwksHits).toBe(0);
  });

  it("accepts a token without exp only with allowNoExpiry", async () => {
    const token = await issuer.token({ exp: undefined });
    expect(await codeOf(issuer.verifier().verify(token))).toBe("claim_invalid");
    expect(await codeOf(issuer.verifier({ allowNoExpiry: true }).verify(token))).toBe("ok");
  });
});

describe("verify: each failure has its code", () => {
  const cases: [string, () => Promise<string>, string][] = [
    ["expired", () => issuer.token({ exp: issuer.seconds - 31 }), "token_expired"],
    ["nbf in the future", () => issuer.token({ nbf: issuer.seconds + 120 }), "token_not_yet_valid"],
    ["iat in the future", () => issuer.token({ iat: issuer.seconds + 120 }), "token_not_yet_valid"],
    ["wrong iss", () => issuer.token({ iss: "https://evil.example.com" }), "issuer_mismatch"],
    ["wrong aud", () => issuer.token({ aud: ["https://other.example.com"] }), "audience_mismatch"],
    ["no typ", () => issuer.token({}, { typ: undefined }), "type_mismatch"],
    ["typ JWT", () => issuer.token({}, { typ: "JWT" }), "type_mismatch"],
    ["unknown kid", () => issuer.token({}, { kid: "nope" }), "key_unknown"],
    ["no kid", () => issuer.token({}, { kid: undefined }), "key_unknown"],
    ["missing prefix", () => issuer.token({}, {}, undefined, ""), "token_malformed"],
    ["other prefix", () => issuer.token({}, {}, undefined, "ghp_"), "token_malformed"],
    ["missing jti", () => issuer.token({ jti: undefined }), "claim_invalid"],
    ["missing status", () => issuer.token({ status: undefined }), "claim_invalid"],
    [
      "negative idx",
      () => issuer.token({ status: { status_list: { idx: -1, uri: LIST_URI } } }),
      "claim_invalid",
    ],
    ["scope not a string", () => issuer.token({ scope: ["read_api"] }), "claim_invalid"],
  ];

  it.each(cases)("%s", async (_, make, code) => {
    expect(await codeOf(issuer.verifier().verify(await make()))).toBe(code);
  });

  it("an unknown critical header is malformed", async () => {
    const key = issuer.keys[0] as { kid: string; privateKey: CryptoKey };
    const header = {
      alg: "ES256",
      kid: key.kid,
      typ: "at+jwt",
      crit: ["x-unknown"],
      "x-unknown": 1,
    };
    const jwt = await signRaw(header, issuer.claims(), key.privateKey);
    expect(await codeOf(issuer.verifier().verify(`tmpat_${jwt}`))).toBe("token_malformed");
    const plain = await signRaw(
      { alg: "ES256", kid: key.kid, typ: "at+jwt" },
      issuer.claims(),
      key.privateKey,
    );
    expect(await codeOf(issuer.verifier().verify(`tmpat_${plain}`))).toBe("ok");
  });

  it("a Status List Token presented as an access token is a type mismatch", async () => {
    const listToken = await issuer.statusListToken(LIST_URI, issuer.list());
    expect(await codeOf(issuer.verifier().verify(`tmpat_${listToken}`))).toBe("type_mismatch");
  });

  it("alg none is rejected (empty signature: malformed; any signature: not allowed)", async () => {
    const header = encode({ alg: "none", kid: issuer.keys[0]?.kid, typ: "at+jwt" });
    const payload = encode(issuer.claims());
    const verifier = issuer.verifier();
    expect(await codeOf(verifier.verify(`tmpat_${header}.${payload}.`))).toBe("token_malformed");
    expect(await codeOf(verifier.verify(`tmpat_${header}.${payload}.AAAA`))).toBe(
      "algorithm_not_allowed",
    );
  });

  it("HS256 signed with the public key as the secret is rejected", async () => {
    const key = issuer.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(key?.publicJwk));
    const jwt = await new SignJWT(issuer.claims())
      .setProtectedHeader({ alg: "HS256", kid: key?.kid as string, typ: "at+jwt" })
      .sign(secret);
    expect(await codeOf(issuer.verifier().verify(`tmpat_${jwt}`))).toBe("algorithm_not_allowed");
  });

  it("an alg outside the configured list is rejected", async () => {
    issuer.keys = [await makeKey("PS256")];
    const token = await issuer.token();
    expect(await codeOf(issuer.verifier({ algorithms: ["ES256"] }).verify(token))).toBe(
      "algorithm_not_allowed",
    );
  });

  it("a key published for another alg is not used (RS256 token, key marked PS256)", async () => {
    const key = await makeKey("RS256", "rsa");
    issuer.keys = [{ ...key, publicJwk: { ...key.publicJwk, alg: "PS256" } }];
    const token = await issuer.token({}, {}, key);
    expect(await codeOf(issuer.verifier().verify(token))).toBe("key_unknown");
  });

  it("a bad signature and a modified payload are signature_invalid", async () => {
    const [h, p] = (await issuer.token()).split(".");
    const other = (await issuer.token()).split(".")[2];
    expect(await codeOf(issuer.verifier().verify(`${h}.${p}.${other}`))).toBe("signature_invalid");
    const [h2, , s2] = (await issuer.token()).split(".");
    const forged = encode(issuer.claims({ sub: "admin" }));
    expect(await codeOf(issuer.verifier().verify(`${h2}.${forged}.${s2}`))).toBe(
      "signature_invalid",
    );
  });

  it("ignores jwk / jku / x5u headers: an embedded attacker key does not verify", async () => {
    const attacker = await makeKey("ES256", issuer.keys[0]?.kid);
    const token = await issuer.token(
      {},
      {
        jwk: attacker.publicJwk,
        jku: "https://evil.example.com/jwks",
        x5u: "https://evil.example.com/x",
      },
      attacker,
    );
    expect(await codeOf(issuer.verifier().verify(token))).toBe("signature_invalid");
  });

  it.each([
    ["non-canonical trailing bits", (s: string) => s.replace(/.$/, (c) => NEXT_CHAR[c] ?? c)],
    ["padding", (s: string) => `${s}==`],
    ["standard base64 alphabet", (s: string) => s.replace(/[-_]/g, "+").replace(/^[^+]*$/, "+$&")],
    ["whitespace", (s: string) => `${s} `],
    ["a fourth segment", (s: string) => `${s}.AAAA`],
  ])("non-canonical spelling is malformed: %s", async (_, mutate) => {
    const token = await issuer.token();
    expect(token.length % 4).not.toBe(1);
    expect(await codeOf(issuer.verifier().verify(mutate(token)))).toBe("token_malformed");
  });

  it("an oversized token is malformed before any parsing", async () => {
    const token = await issuer.token({ padding: "x".repeat(9000) });
    expect(await codeOf(issuer.verifier().verify(token))).toBe("token_malformed");
    expect(issuer.jwksHits).toBe(0);
  });

  it("errors are TokenVerificationFailed with 401 and never contain the token", async () => {
    const token = await issuer.token({ exp: issuer.seconds - 100 });
    const error = await issuer
      .verifier()
      .verify(token)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenVerificationFailed);
    expect((error as TokenVerificationFailed).status).toBe(401);
    expect(
      JSON.stringify({ ...(error as object), message: (error as Error).message }),
    ).not.toContain(token.slice(6, 40));
  });
});

describe("createVerifier: options are checked once", () => {
  it.each([
    [{ issuer: "not a url" }, "issuer"],
    [{ issuer: "ftp://x" }, "issuer"],
    [{ audience: [] }, "audience"],
    [{ algorithms: ["HS256"] }, "algorithms"],
    [{ algorithms: ["none"] }, "algorithms"],
    [{ algorithms: [] }, "algorithms"],
    [{ jwks: { keys: [] }, jwksUri: `${ISSUER}/jwks` }, "jwks"],
    [{ statusList: { minTtlSeconds: 100, maxTtlSeconds: 10 } }, "minTtlSeconds"],
    [{ jwksCache: { cooldownSeconds: -1 } }, "cooldownSeconds"],
    [{ allowNoExpiry: true, statusList: { enabled: false } }, "allowNoExpiry"],
  ])("%j", (bad, name) => {
    expect(() => issuer.verifier({ audience: AUDIENCE, ...bad } as never)).toThrow(
      new RegExp(name),
    );
  });
});
