/**
 * `@tokenmint/verifier/jws`: the JWS layer of the JWT core, for code that signs or checks JWS
 * itself (the tokenmint issuer does both): the algorithm table, the two signature backends,
 * ECDSA low-S, the canonical compact form, JWKS key checks, base64url segments and
 * {@link verifyJws}. It knows nothing of access tokens or of who issues them.
 *
 * @example
 * ```ts
 * import { defaultSignatures, toLowSSignature } from "@tokenmint/verifier/jws";
 *
 * const key = await defaultSignatures.importSigningKey(privateJwk, "ES384");
 * const signature = toLowSSignature("ES384", await defaultSignatures.sign("ES384", key, input));
 * ```
 * @module
 */
export { decodeSegmentBytes, decodeSegmentText, encodeSegment } from "../lib/base64url.js";
export {
  ASYMMETRIC_ALGORITHMS,
  algorithmOf,
  JWS_ALGORITHMS,
  type JwsAlgorithm,
} from "./algorithms.js";
export { MAX_TOKEN_LENGTH, toCanonicalJws } from "./compact.js";
export {
  checkAlgorithms,
  checkVerificationJwk,
  DEFAULT_ALGORITHMS,
  isUsableVerificationJwk,
  jwkFitsAlgorithm,
} from "./jwk-checks.js";
export { hasHighS, toLowS, toLowSSignature } from "./low-s.js";
export {
  defaultSignatures,
  nodeSignatures,
  type PrivateSigningKey,
  type SignatureBackend,
  type VerificationKey,
  webCryptoSignatures,
} from "./signatures.js";
export { type JwsCheck, type KeyLookup, type VerifiedJwsParts, verifyJws } from "./verify-jws.js";
