/**
 * The secret scanner's public keys (`TOKENMINT_SECRET_SCANNING_KEYS`), in the document GitHub
 * publishes for its secret scanning partner program: `{"public_keys": [{"key_identifier", "key",
 * "is_current"}]}`, each `key` a PEM `PUBLIC KEY` (SPKI) of an ECDSA P-256 key. Parsed once at
 * start-up; a key that is no longer current still verifies, since the scanner rotates.
 *
 * @example
 * ```ts
 * const keys = secretScanningKeys.parse('{"public_keys":[...]}');
 * keys[0]?.identifier;
 * ```
 * @module
 */
import { p256 } from "@noble/curves/nist.js";
import { z } from "zod";

/** One key the scanner signs with. */
export interface ScannerKey {
  /** `key_identifier`: the value of the `GITHUB-PUBLIC-KEY-IDENTIFIER` header it answers to. */
  readonly identifier: string;
  /** The uncompressed P-256 point (65 bytes, `0x04 || x || y`). */
  readonly point: Uint8Array;
  /** `is_current`: informative only (an older key still verifies). */
  readonly current: boolean;
}

/**
 * Every uncompressed P-256 key in SPKI DER begins with these 27 bytes (the algorithm
 * identifier `id-ecPublicKey` with `prime256v1`, then the bit string header and the `04` tag):
 * the one key type the scanner uses, so a byte comparison identifies it without a DER parser.
 */
const P256_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
  0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
]);
const SPKI_LENGTH = P256_SPKI_PREFIX.length + 64;
const PEM = /^\s*-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/;

/** The P-256 point of a PEM SPKI key, or undefined when it is not one. */
function p256Point(pem: string): Uint8Array | undefined {
  const body = PEM.exec(pem)?.[1]?.replace(/\s+/g, "");
  if (body === undefined) return undefined;
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
  if (der.length !== SPKI_LENGTH) return undefined;
  if (!P256_SPKI_PREFIX.every((byte, i) => der[i] === byte)) return undefined;
  const point = der.slice(P256_SPKI_PREFIX.length - 1);
  try {
    p256.Point.fromBytes(point).assertValidity();
  } catch {
    return undefined;
  }
  return point;
}

const documentSchema = z.object({
  public_keys: z.array(
    z.object({
      key_identifier: z.string().min(1).max(256),
      key: z.string().min(1).max(4096),
      is_current: z.boolean().optional(),
    }),
  ),
});

/**
 * The variable's schema: empty (no scanner configured) or the keys document, each key an ECDSA
 * P-256 public key in PEM.
 */
export const secretScanningKeys = z
  .string()
  .default("")
  .transform((value, ctx): readonly ScannerKey[] => {
    if (value.trim() === "") return [];
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      json = undefined;
    }
    const parsed = documentSchema.safeParse(json);
    if (!parsed.success) {
      ctx.addIssue({
        code: "custom",
        message: 'expected {"public_keys":[{"key_identifier","key","is_current"}]} as JSON',
      });
      return z.NEVER;
    }
    const keys: ScannerKey[] = [];
    for (const key of parsed.data.public_keys) {
      const point = p256Point(key.key);
      if (!point) {
        ctx.addIssue({
          code: "custom",
          message: `key ${key.key_identifier.slice(0, 80)}: expected an ECDSA P-256 PEM public key`,
        });
        return z.NEVER;
      }
      keys.push({ identifier: key.key_identifier, point, current: key.is_current ?? false });
    }
    return keys;
  });
