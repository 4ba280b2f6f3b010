/**
 * The secret scanner's request signature: `GITHUB-PUBLIC-KEY-IDENTIFIER` names one of the
 * configured keys, `GITHUB-PUBLIC-KEY-SIGNATURE` is a base64 DER ECDSA P-256 signature with
 * SHA-256 over the raw request body. WebCrypto wants the raw `r || s` form, so the check uses
 * `@noble/curves`, which takes DER as sent and runs the same on Node and Workers.
 *
 * @example
 * ```ts
 * if (!verifyScannerSignature(ctx.config.secretScanningKeys, identifier, signature, body)) {
 *   throw new Unauthenticated();
 * }
 * ```
 * @module
 */
import { p256 } from "@noble/curves/nist.js";
import type { ScannerKey } from "../config/secret-scanning-keys.js";

const BASE64 = /^[A-Za-z0-9+/]{1,200}={0,2}$/;

/**
 * True when `signature` (base64 DER) is a valid signature of `body` by the configured key named
 * `identifier`; false for a missing, unknown or malformed header and for a wrong signature.
 */
export function verifyScannerSignature(
  keys: readonly ScannerKey[],
  identifier: string | undefined,
  signature: string | undefined,
  body: Uint8Array,
): boolean {
  if (identifier === undefined || signature === undefined) return false;
  const key = keys.find((candidate) => candidate.identifier === identifier);
  if (!key || !BASE64.test(signature)) return false;
  try {
    const der = Uint8Array.from(atob(signature), (char) => char.charCodeAt(0));
    // The scanner's signatures need not be low-S normalized (ECDSA accepts both).
    return p256.verify(der, body, key.point, { format: "der", lowS: false });
  } catch {
    return false;
  }
}
