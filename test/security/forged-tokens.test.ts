/**
 * The attacker's playbook against tokenmint tokens. Each forged or mangled token is rejected by
 * the downstream verifier (with the right code), by introspection (`active: false`) and by the
 * issuer's own bearer authentication (401).
 */
import { createHmac } from "node:crypto";
import { createVerifier, type Verifier } from "@tokenmint/verifier";
import { base64url, CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, createTestIssuer, form, type TestIssuer } from "../helpers/issuer.js";

const enc = (value: unknown) =>
  base64url.encode(typeof value === "string" ? value : JSON.stringify(value));

let issuer: TestIssuer;
let verifier: Verifier;
let good: { token: string; id: string };
let header: Record<string, unknown>;
let payload: Record<string, unknown>;
let signature: string;

/** Signs arbitrary header and payload bytes with the issuer's real signing key. */
async function signWithIssuerKey(h: Record<string, unknown>, p: string | Record<string, unknown>) {
  const signing = await issuer.ctx.keyring.signingKey();
  const input = `${enc(h)}.${enc(p)}`;
  return `tmpat_${input}.${base64url.encode(await signing.sign(input))}`;
}

async function expectRejected(token: string, code: string) {
  await expect(verifier.verify(token)).rejects.toMatchObject({ code });
  const introspection = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  expect(introspection.status).toBe(200);
  expect(await introspection.json()).toEqual({ active: false });
  const auth = await issuer.request("/v1/tokens/self", { headers: bearer(token) });
  expect(auth.status).toBe(401);
  const body = await auth.text();
  expect(body).not.toContain(token.slice(6, 30));
}

beforeAll(async () => {
  issuer = await createTestIssuer({ env: { TOKENMINT_AUDIENCE: "https://api.test" } });
  verifier = createVerifier({
    issuer: issuer.config.issuer,
    audience: "https://api.test",
    fetch: async (input, init) =>
      issuer.app.request(String(input instanceof Request ? input.url : input), init),
    now: issuer.clock,
    cache: false,
  });
  good = await issuer.mint({ expires_in: 3600 });
  const [h, p, s] = good.token.slice(6).split(".") as [string, string, string];
  header = JSON.parse(new TextDecoder().decode(base64url.decode(h)));
  payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  signature = s;
});

describe("forged and mangled tokens", () => {
  it("accepts the genuine token everywhere (the baseline the attacks start from)", async () => {
    expect((await verifier.verify(good.token)).jti).toBe(good.id);
  });

  it.each(["none", "None", "NONE", "nOnE"])("alg %s", async (alg) => {
    const token = `tmpat_${enc({ ...header, alg })}.${enc(payload)}.`;
    await expectRejected(token, "token_malformed");
    await expectRejected(
      `tmpat_${enc({ ...header, alg })}.${enc(payload)}.${signature}`,
      "algorithm_not_allowed",
    );
  });

  it("HS256 signed with the public key (algorithm confusion)", async () => {
    const jwks = (await (await issuer.request("/.well-known/jwks.json")).json()) as { keys: JWK[] };
    const publicJwk = JSON.stringify(jwks.keys[0]);
    const signingInput = `${enc({ ...header, alg: "HS256" })}.${enc(payload)}`;
    const mac = createHmac("sha256", publicJwk).update(signingInput).digest("base64url");
    await expectRejected(`tmpat_${signingInput}.${mac}`, "algorithm_not_allowed");
  });

  it("an embedded jwk header, and jku / x5u pointing elsewhere", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const attackerJwk = await exportJWK(publicKey);
    const bytes = new TextEncoder().encode(JSON.stringify(payload));
    for (const extra of [
      { jwk: attackerJwk, kid: undefined },
      { jku: "https://evil.test/jwks.json", kid: "evil" },
      { x5u: "https://evil.test/cert.pem", kid: "evil" },
    ]) {
      const h = { alg: "ES256", typ: "at+jwt", ...extra };
      const token = `tmpat_${await new CompactSign(bytes).setProtectedHeader(h as never).sign(privateKey)}`;
      await expectRejected(token, "key_unknown");
    }
  });

  it.each([
    ["unknown", "f".repeat(43)],
    ["path traversal", "../../../etc/passwd"],
    ["very long", "k".repeat(5000)],
  ])("a %s kid", async (_name, kid) => {
    const token = await signWithIssuerKey({ ...header, kid }, payload);
    await expectRejected(token, "key_unknown");
  });

  it("an ECDSA signature of zeros (CVE-2022-21449 style), stripped and truncated signatures", async () => {
    const body = good.token.slice(0, good.token.lastIndexOf("."));
    await expectRejected(`${body}.${base64url.encode(new Uint8Array(64))}`, "signature_invalid");
    await expectRejected(`${body}.`, "token_malformed");
    await expectRejected(`${body}.${signature.slice(0, 40)}`, "signature_invalid");
    await expectRejected(body, "token_malformed");
  });

  it("a valid signature over a modified payload", async () => {
    const token = `tmpat_${enc(header)}.${enc({ ...payload, scope: "api manage_tokens", sub: "root" })}.${signature}`;
    await expectRejected(token, "signature_invalid");
  });

  it("a wrong typ, including a status list token presented as an access token", async () => {
    await expectRejected(
      await signWithIssuerKey({ ...header, typ: "JWT" }, payload),
      "type_mismatch",
    );
    await expectRejected(
      await signWithIssuerKey({ alg: header.alg, kid: header.kid }, payload),
      "type_mismatch",
    );
    const uri = (payload.status as { status_list: { uri: string } }).status_list.uri;
    const listJwt = await (await issuer.request(uri)).text();
    await expectRejected(`tmpat_${listJwt}`, "type_mismatch");
  });

  it("a wrong iss or aud", async () => {
    await expectRejected(
      await signWithIssuerKey(header, { ...payload, iss: "https://evil.test" }),
      "issuer_mismatch",
    );
    // Introspection answers for any audience (the caller checks aud): only the verifier refuses.
    const otherAudience = await signWithIssuerKey(header, {
      ...payload,
      aud: ["https://other.test"],
    });
    await expect(verifier.verify(otherAudience)).rejects.toMatchObject({
      code: "audience_mismatch",
    });
  });

  it("expired, nbf or iat in the future beyond tolerance, missing or absurd exp", async () => {
    const now = Math.floor(issuer.clock() / 1000);
    await expectRejected(
      await signWithIssuerKey(header, { ...payload, exp: now - 60 }),
      "token_expired",
    );
    await expectRejected(
      await signWithIssuerKey(header, { ...payload, nbf: now + 3600 }),
      "token_not_yet_valid",
    );
    await expectRejected(
      await signWithIssuerKey(header, { ...payload, iat: now + 3600 }),
      "token_not_yet_valid",
    );
    const { exp: _exp, ...noExp } = payload;
    await expectRejected(await signWithIssuerKey(header, noExp), "claim_invalid");
    const hugeExp = JSON.stringify({ ...payload, exp: 0 }).replace('"exp":0', '"exp":1e999');
    await expectRejected(await signWithIssuerKey(header, hugeExp), "claim_invalid");
  });

  it("an unknown crit header and b64: false", async () => {
    await expectRejected(
      await signRaw({ ...header, crit: ["x-evil"], "x-evil": 1 }, payload),
      "token_malformed",
    );
    await expectRejected(
      await signRaw({ ...header, b64: false, crit: ["b64"] }, payload),
      "token_malformed",
    );
  });

  it("duplicate JSON members in the payload or header", async () => {
    const duplicated = JSON.stringify(payload).replace(/^\{/, '{"sub":"root",');
    await expectRejected(await signRaw(header, duplicated), "token_malformed");
    const headerJson = JSON.stringify(header).replace(/^\{/, '{"typ":"JWT",');
    await expectRejected(await signRaw(headerJson, payload), "token_malformed");
  });

  it("non-canonical base64url, padding and whitespace", async () => {
    const [h, p] = good.token.slice(6).split(".") as [string, string];
    const lastChar = signature.at(-1)!;
    const twin = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 64-byte signature → 86 characters: the last character carries 2 unused bits.
    const flipped = twin[twin.indexOf(lastChar) ^ 1]!;
    await expectRejected(`tmpat_${h}.${p}.${signature.slice(0, -1)}${flipped}`, "token_malformed");
    await expectRejected(`tmpat_${h}.${p}.${signature}==`, "token_malformed");
    await expectRejected(`tmpat_${h}.${p} .${signature}`, "token_malformed");
    await expectRejected(` ${good.token}`, "token_malformed");
  });

  it("a prefix that does not match, and a token of another issuer's key", async () => {
    await expectRejected(`ghp_${good.token.slice(6)}`, "token_malformed");
    await expectRejected(good.token.slice(6), "token_malformed");
    const { privateKey } = await generateKeyPair("ES256");
    const foreign = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ ...header, alg: "ES256" } as never)
      .sign(privateKey);
    await expectRejected(`tmpat_${foreign}`, "signature_invalid");
  });

  it("oversized tokens and deeply nested or huge claims", async () => {
    await expectRejected(
      `tmpat_${"a".repeat(9000)}.${"b".repeat(10)}.${"c".repeat(10)}`,
      "token_malformed",
    );
    let nested: unknown = "x";
    for (let i = 0; i < 600; i++) nested = { n: nested };
    const deep = await signWithIssuerKey(header, { ...payload, permissions: nested as never });
    await expectRejected(deep, "claim_invalid");
    const huge = await signWithIssuerKey(header, { ...payload, pad: "x".repeat(7000) });
    await expectRejected(huge, "token_malformed");
  });
});

/** Signs any header and payload text with the issuer's key, bypassing jose's own checks. */
async function signRaw(h: string | Record<string, unknown>, p: string | Record<string, unknown>) {
  const signing = await issuer.ctx.keyring.signingKey();
  const signingInput = `${enc(h)}.${enc(p)}`;
  return `tmpat_${signingInput}.${base64url.encode(await signing.sign(signingInput))}`;
}

describe("ECDSA malleability", () => {
  const ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

  function twin(token: string): string {
    const dot = token.lastIndexOf(".");
    const bytes = base64url.decode(token.slice(dot + 1));
    let s = 0n;
    for (const byte of bytes.subarray(32)) s = (s << 8n) | BigInt(byte);
    let high = ORDER - s;
    const out = new Uint8Array(bytes);
    for (let i = 63; i >= 32; i--) {
      out[i] = Number(high & 0xffn);
      high >>= 8n;
    }
    return `${token.slice(0, dot + 1)}${base64url.encode(out)}`;
  }

  it("the issuer signs only low-S, and the high-S twin of a valid token is refused", async () => {
    for (let i = 0; i < 20; i++) {
      const minted = await issuer.mint({ name: `m${i}` });
      const signatureBytes = base64url.decode(minted.token.split(".")[2]!);
      let s = 0n;
      for (const byte of signatureBytes.subarray(32)) s = (s << 8n) | BigInt(byte);
      expect(s <= ORDER / 2n).toBe(true);
      await expectRejected(twin(minted.token), "signature_invalid");
    }
  });
});
