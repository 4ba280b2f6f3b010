/**
 * Low-S for every ECDSA algorithm of the table, on real signatures: `node:crypto` signs until it
 * has produced both forms, the high-S one is refused by both backends, its low-S twin (computed
 * from the table's curve order) verifies, and the issuer-style signer emits only low-S.
 */
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SignatureInvalid } from "../../packages/verifier/src/errors.js";
import { algorithmOf } from "../../packages/verifier/src/jws/algorithms.js";
import { hasHighS, toLowS, toLowSSignature } from "../../packages/verifier/src/jws/low-s.js";
import {
  nodeSignatures,
  type SignatureBackend,
  webCryptoSignatures,
} from "../../packages/verifier/src/jws/signatures.js";
import { verifyJws } from "../../packages/verifier/src/jws/verify-jws.js";
import { encodeSegment } from "../../packages/verifier/src/lib/base64url.js";

const CURVES = [
  { alg: "ES256", curve: "prime256v1", half: 32 },
  { alg: "ES384", curve: "secp384r1", half: 48 },
  { alg: "ES512", curve: "secp521r1", half: 66 },
] as const;

const HASHES = { ES256: "sha256", ES384: "sha384", ES512: "sha512" } as const;

function bigIntOf(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

function bytesOf(value: bigint, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) =>
    Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn),
  );
}

const backends: [string, SignatureBackend][] = [
  ["node", nodeSignatures!],
  ["webcrypto", webCryptoSignatures],
];

describe.each(CURVES)("low-S for $alg", ({ alg, curve, half }) => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: curve });
  const publicJwk = publicKey.export({ format: "jwk" });
  const order = algorithmOf(alg)?.curveOrder as bigint;
  const header = encodeSegment(JSON.stringify({ alg, kid: "k1", typ: "at+jwt" }));

  /** Signs fresh payloads until both a low-S and a high-S signature turned up. */
  function signBothForms() {
    const found: { low?: [string, Uint8Array]; high?: [string, Uint8Array] } = {};
    for (let i = 0; i < 200 && !(found.low && found.high); i++) {
      const input = `${header}.${encodeSegment(JSON.stringify({ sub: `user-${i}` }))}`;
      const signature = new Uint8Array(
        sign(HASHES[alg], Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }),
      );
      found[bigIntOf(signature.subarray(half)) > order / 2n ? "high" : "low"] = [input, signature];
    }
    if (!found.low || !found.high) throw new Error("no signature of both forms in 200 tries");
    return { low: found.low, high: found.high };
  }
  const { low, high } = signBothForms();

  it("takes its curve order and signature length from the table", () => {
    expect(algorithmOf(alg)?.signatureLength).toBe(2 * half);
    expect(high[1].length).toBe(2 * half);
    expect(bytesOf(order, half).length).toBe(half);
    expect(order >> BigInt(8 * half)).toBe(0n);
  });

  it("tells the two forms apart at exactly n/2", () => {
    const r = new Uint8Array(half).fill(1);
    const at = (s: bigint) => Uint8Array.of(...r, ...bytesOf(s, half));
    expect(hasHighS(alg, at(order / 2n))).toBe(false);
    expect(hasHighS(alg, at(order / 2n + 1n))).toBe(true);
    expect(hasHighS(alg, at(order - 1n))).toBe(true);
    expect(hasHighS(alg, at(1n))).toBe(false);
    expect(hasHighS(alg, at(order / 2n + 1n).subarray(1))).toBe(false);
  });

  it("classifies real signatures and turns the high-S one into its verifying twin", () => {
    const [input, signature] = high;
    expect(hasHighS(alg, low[1])).toBe(false);
    expect(toLowSSignature(alg, low[1])).toBe(low[1]);
    expect(hasHighS(alg, signature)).toBe(true);
    const twin = toLowSSignature(alg, signature);
    expect(hasHighS(alg, twin)).toBe(false);
    expect(twin.subarray(0, half)).toEqual(signature.subarray(0, half));
    expect(bigIntOf(twin.subarray(half))).toBe(order - bigIntOf(signature.subarray(half)));
    const options = { key: publicKey, dsaEncoding: "ieee-p1363" } as const;
    // Both spellings are valid ECDSA: only the low-S rule tells them apart.
    expect(verify(HASHES[alg], Buffer.from(input), options, signature)).toBe(true);
    expect(verify(HASHES[alg], Buffer.from(input), options, twin)).toBe(true);
  });

  it.each(backends)(
    "the %s backend refuses the high-S token and accepts its twin",
    async (_, backend) => {
      const key = await backend.importKey(publicJwk, alg);
      const check = { algorithms: [alg], typ: "at+jwt", getKey: () => key, signatures: backend };
      const [input, signature] = high;
      const highJws = `${input}.${encodeSegment(signature)}`;
      await expect(async () => verifyJws(highJws, check)).rejects.toBeInstanceOf(SignatureInvalid);
      const { payload } = await verifyJws(toLowS(alg, highJws), check);
      expect(payload.sub).toBe(
        JSON.parse(Buffer.from(input.split(".")[1]!, "base64url").toString()).sub,
      );
      const lowJws = `${low[0]}.${encodeSegment(low[1])}`;
      expect(toLowS(alg, lowJws)).toBe(lowJws);
      await expect(Promise.resolve(verifyJws(lowJws, check))).resolves.toBeDefined();
    },
  );

  it.each(backends)(
    "signing with the %s backend and toLowSSignature gives low-S only",
    async (_, backend) => {
      const signingKey = await backend.importSigningKey(privateKey.export({ format: "jwk" }), alg);
      const verificationKey = await backend.importKey(publicJwk, alg);
      for (let i = 0; i < 16; i++) {
        const input = `${header}.${encodeSegment(JSON.stringify({ n: i }))}`;
        const signature = toLowSSignature(alg, await backend.sign(alg, signingKey, input));
        expect(hasHighS(alg, signature)).toBe(false);
        expect(await backend.verify(alg, verificationKey, input, signature)).toBe(true);
      }
    },
  );
});
