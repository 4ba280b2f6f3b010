/**
 * Every JWS case of Wycheproof's json_web_signature_test.json, run through the verifier's own
 * front door (`toCanonicalJws`), key handling and JWS checks (`verifyJws`):
 *
 * 1. as the verifier runs it, once with each signature backend (`node:crypto` and WebCrypto):
 *    algorithms pinned to the defaults (ES256, EdDSA, RS256, PS256), the case's key served as a
 *    static JWKS through `createJwksSource` (so `use`, `key_ops`, private members, kid and alg fit
 *    all apply). Every invalid case must be rejected; a valid case is accepted exactly when its
 *    `alg` is one the verifier accepts. (These are not access tokens, so "accepted" means the JWS
 *    checks passed up to the pinned `typ`, which none of them carries.)
 * 2. pinned to the case key's own algorithm (HMAC included, which the verifier never accepts), to
 *    show that the canonical-form check rejects no valid token: every valid case accepted, every
 *    invalid one rejected, except the per-id exceptions below (each one rejects a case marked
 *    valid, the safe direction, or accepts an erratum that is byte-for-byte a valid case).
 *
 * See /work/shared/vectors/wycheproof/README.md for the errata.
 */
import { readFileSync } from "node:fs";
import { compactVerify, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { TypeMismatch } from "../../packages/verifier/src/errors.js";
import { toCanonicalJws } from "../../packages/verifier/src/jws/compact.js";
import {
  checkVerificationJwk,
  DEFAULT_ALGORITHMS,
} from "../../packages/verifier/src/jws/jwk-checks.js";
import {
  nodeSignatures,
  type SignatureBackend,
  webCryptoSignatures,
} from "../../packages/verifier/src/jws/signatures.js";
import { verifyJws } from "../../packages/verifier/src/jws/verify-jws.js";
import { createJwksSource } from "../../packages/verifier/src/verifier/jwks-source.js";

interface Case {
  tcId: number;
  comment: string;
  jws: string;
  result: "valid" | "invalid";
}
interface Group {
  type: string;
  comment: string;
  public?: JWK;
  private?: JWK;
  tests: Case[];
}

const FILE = "/work/shared/vectors/wycheproof/json_web_signature_test.json";
const data = JSON.parse(readFileSync(FILE, "utf8")) as {
  numberOfTests: number;
  testGroups: Group[];
};

const all = data.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
// Only compact-serialization JWS cases apply; the JSON-serialized one (tc17) is kept, since a
// verifier that only speaks compact JWS must reject it, and it is marked invalid.
const applicable = all.filter(({ group }) => group.type === "JsonWebSignature");

/** Errata, pass 2 (see the README): marked invalid, but the same bytes as the valid tc357. */
const ERRATA_ACCEPTED = new Set([367, 370]);
/** Errata, pass 2: marked valid though they contain "?"; rejecting is the safe direction. */
const ERRATA_REJECTED = new Set([372, 373]);
/**
 * Pass 2: the key declares another `alg` than the token uses (RFC 7520 figure 20 is a PS384 token
 * under a key marked PS256; figure 27 an ES512 token under a key marked with the nonexistent
 * "ES521"). We never use a key for an algorithm it is not declared for (RFC 7517 section 4.4):
 * the safe direction.
 */
const KEY_ALG_MISMATCH = new Set([346, 347, 350, 351]);
/**
 * Both passes: valid signatures over an empty payload (`header..signature`). `toCanonicalJws`
 * requires three non-empty segments, since a JWT always carries a claims set: the safe direction.
 */
const EMPTY_PAYLOAD = new Set([259, 264, 268, 272, 320, 325]);
/**
 * Pass 1: a valid ES256 signature in high-S form. The verifier accepts only the low-S twin (see
 * `low-s.ts`; the issuer never signs another): the safe direction.
 */
const HIGH_S = new Set([18]);

const headerAlg = (jws: string): string | undefined => {
  try {
    const header = JSON.parse(
      atob((jws.split(".")[0] ?? "").replace(/-/g, "+").replace(/_/g, "/")),
    );
    return typeof header.alg === "string" ? header.alg : undefined;
  } catch {
    return undefined;
  }
};

async function accepts(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

function pinnedAsVerifier(group: Group, jws: string, signatures: SignatureBackend) {
  const key = group.public ?? group.private;
  const keys = createJwksSource({ jwks: { keys: key ? [key] : [] }, signatures });
  return accepts(async () => {
    try {
      await verifyJws(toCanonicalJws(jws), {
        algorithms: DEFAULT_ALGORITHMS,
        typ: "at+jwt",
        getKey: keys.getKey,
        signatures,
      });
    } catch (error) {
      // Every check before `typ` passed: the signature is accepted.
      if (!(error instanceof TypeMismatch)) throw error;
    }
  });
}

function pinnedToKeyAlg(group: Group, jws: string): Promise<boolean> {
  const key = (group.public ?? group.private) as JWK;
  const alg = key.alg ?? (key.kty === "EC" ? "ES256" : "RS256");
  return accepts(() =>
    compactVerify(
      toCanonicalJws(jws),
      (header) =>
        key.kty === "oct"
          ? importJWK(key, header.alg)
          : importJWK(
              checkVerificationJwk({ ...key, kid: key.kid ?? "k" }, header.alg as string),
              header.alg,
            ),
      { algorithms: [alg] },
    ),
  );
}

describe("Wycheproof JWS vectors", () => {
  it("holds the cases this test expects", () => {
    expect(all.length).toBe(data.numberOfTests);
    expect(all.length).toBe(401);
    expect(applicable.length).toBe(401);
    expect(applicable.filter(({ test }) => test.result === "valid").length).toBe(46);
  });

  it.each([
    ["node:crypto", nodeSignatures as SignatureBackend],
    ["WebCrypto", webCryptoSignatures],
  ])(
    "as the verifier runs it (%s): every invalid case rejected, valid ones iff their alg is accepted",
    async (_name, signatures) => {
      expect(signatures).toBeDefined();
      const wrong: string[] = [];
      const accepted: number[] = [];
      for (const { group, test } of applicable) {
        const expected =
          test.result === "valid" &&
          DEFAULT_ALGORITHMS.includes(headerAlg(test.jws) ?? "") &&
          !EMPTY_PAYLOAD.has(test.tcId) &&
          !HIGH_S.has(test.tcId);
        const actual = await pinnedAsVerifier(group, test.jws, signatures);
        if (actual) accepted.push(test.tcId);
        if (actual !== expected) wrong.push(`tc${test.tcId} ${test.comment}: accepted=${actual}`);
      }
      expect(wrong).toEqual([]);
      // ES256: 378 (18 is high-S); RS256: 33, 260-263, 345, 349; PS256: 273-275, 287, 288.
      expect(accepted).toEqual([33, 260, 261, 262, 263, 273, 274, 275, 287, 288, 345, 349, 378]);
    },
  );

  it("pinned to each key's own alg: the file's verdicts, with the listed per-id exceptions", async () => {
    const wrong: string[] = [];
    const exceptionsSeen: number[] = [];
    for (const { group, test } of applicable) {
      let expected = test.result === "valid";
      if (ERRATA_ACCEPTED.has(test.tcId)) expected = true;
      if ([ERRATA_REJECTED, KEY_ALG_MISMATCH, EMPTY_PAYLOAD].some((ids) => ids.has(test.tcId))) {
        expected = false;
      }
      if (expected !== (test.result === "valid")) exceptionsSeen.push(test.tcId);
      const actual = await pinnedToKeyAlg(group, test.jws);
      if (actual !== expected) wrong.push(`tc${test.tcId} ${test.comment}: accepted=${actual}`);
    }
    expect(wrong).toEqual([]);
    expect(exceptionsSeen).toEqual([
      259, 264, 268, 272, 320, 325, 346, 347, 350, 351, 367, 370, 372, 373,
    ]);
  });
});
