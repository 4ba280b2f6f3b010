/**
 * Keys and tokens for the verifier benchmarks: one key pair per algorithm, tokens with exactly the
 * claims the issuer mints (`claimsFor`), low-S signatures as the issuer makes them, the public JWKS,
 * and a `fetch` that serves the signed status list in-process (so the status bit is checked from
 * a cached list, as in steady state, without any network).
 * @module
 */
import { createPublicKey, type KeyObject, type JsonWebKey as NodeJsonWebKey } from "node:crypto";
import { ACCESS_TOKEN_TYPE, STATUS_LIST_TOKEN_TYPE } from "@tokenmint/verifier";
import { toLowS } from "@tokenmint/verifier/jws";
import { compressStatusList } from "@tokenmint/verifier/status";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export const ALGORITHMS = ["ES256", "EdDSA", "RS256"] as const;
export type BenchAlgorithm = (typeof ALGORITHMS)[number];

export const ISSUER = "https://issuer.bench";
export const AUDIENCE = "https://api.bench";
export const PREFIX = "tmpat_";
const LIST = "benchepoch-0";
const LIST_URI = `${ISSUER}/v1/status-lists/${LIST}`;
const LIST_SIZE = 1024;

/** Everything one algorithm's benchmark needs. */
export interface Fixture {
  readonly alg: BenchAlgorithm;
  /** Tokens as presented (with the prefix). */
  readonly tokens: readonly string[];
  /** The same tokens without the prefix (for the libraries that know no prefix). */
  readonly jws: readonly string[];
  readonly publicJwk: JWK & { kid: string; alg: string };
  readonly publicKey: CryptoKey;
  readonly keyObject: KeyObject;
  readonly pem: string;
  /** Serves the status list token at its URI. */
  readonly fetch: typeof fetch;
}

async function statusListToken(alg: string, kid: string, key: CryptoKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    sub: LIST_URI,
    iat: now,
    exp: now + 86400,
    ttl: 3600,
    status_list: { bits: 2, lst: await compressStatusList(new Uint8Array(LIST_SIZE / 4)) },
  })
    .setProtectedHeader({ alg, kid, typ: STATUS_LIST_TOKEN_TYPE })
    .setIssuer(ISSUER)
    .sign(key);
  return toLowS(alg, jwt);
}

/** Creates a key pair and `count` distinct tokens for `alg`. */
export async function createFixture(alg: BenchAlgorithm, count: number): Promise<Fixture> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `bench-${alg}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  const keyObject = createPublicKey({
    key: publicJwk as unknown as NodeJsonWebKey,
    format: "jwk",
  });
  const now = Math.floor(Date.now() / 1000);
  const jws: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bench-token-${alg}-${i}`;
    const signed = await new SignJWT({
      iss: ISSUER,
      sub: `user-${i % 97}`,
      aud: [AUDIENCE],
      client_id: "platform",
      iat: now,
      nbf: now,
      exp: now + 86400,
      jti: id,
      scope: "read_api read_project",
      fam: id,
      status: { status_list: { idx: i % LIST_SIZE, uri: LIST_URI } },
    })
      .setProtectedHeader({ alg, kid, typ: ACCESS_TOKEN_TYPE })
      .sign(privateKey);
    jws.push(toLowS(alg, signed));
  }
  const list = await statusListToken(alg, kid, privateKey);
  const serve: typeof fetch = async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url !== LIST_URI) return new Response("not found", { status: 404 });
    return new Response(list, { headers: { "content-type": "application/statuslist+jwt" } });
  };
  return {
    alg,
    tokens: jws.map((token) => `${PREFIX}${token}`),
    jws,
    publicJwk,
    publicKey,
    keyObject,
    pem: keyObject.export({ format: "pem", type: "spki" }).toString(),
    fetch: serve,
  };
}
