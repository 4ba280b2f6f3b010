/**
 * Signs the issuer's JWTs (access tokens, Status List Tokens): the protected header `alg`, `kid`,
 * `typ`, the claims as given, and the signature from the keyring's signing key (low-S for ECDSA,
 * see `low-s.ts`). Header and claims are serialized with `JSON.stringify`, which is also the form
 * the verifier recognizes fastest when it checks for duplicate members. Written by hand rather
 * than with jose's `SignJWT`, whose claim validation and cloning this signer does not need.
 *
 * @example
 * ```ts
 * const jwt = await signJwt(await keyring.signingKey({ exp }), "at+jwt", claims);
 * ```
 * @module
 */
import { encodeSegment } from "@tokenmint/verifier/jws";
import type { SigningKey } from "./keyring.js";

/**
 * A compact JWS of `claims` under `key`.
 *
 * @example
 * ```ts
 * const jwt = await signJwt(signing, "statuslist+jwt", { sub, iat, status_list });
 * ```
 */
export async function signJwt(
  key: SigningKey,
  typ: string,
  claims: Readonly<Record<string, unknown>>,
): Promise<string> {
  const header = encodeSegment(JSON.stringify({ alg: key.alg, kid: key.kid, typ }));
  const signingInput = `${header}.${encodeSegment(JSON.stringify(claims))}`;
  return `${signingInput}.${encodeSegment(await key.sign(signingInput))}`;
}
