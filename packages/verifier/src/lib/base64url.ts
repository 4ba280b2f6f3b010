/**
 * base64url for JWS segments: Node's `Buffer` where there is one (several times faster than the
 * portable code on the hot paths of signing and verification), jose's `base64url` elsewhere.
 * Decoding expects a canonical segment (see `toCanonicalJws`); it does not validate.
 *
 * @example
 * ```ts
 * encodeSegment('{"alg":"ES256"}'); // "eyJhbGciOiJFUzI1NiJ9"
 * decodeSegmentText("eyJhbGciOiJFUzI1NiJ9"); // '{"alg":"ES256"}'
 * ```
 * @module
 */
import { base64url } from "jose";

type NodeBufferValue = Uint8Array & { toString(encoding?: string): string };
interface NodeBufferClass {
  from(value: string, encoding: string): NodeBufferValue;
  from(value: Uint8Array): NodeBufferValue;
}
const nodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer;
const decoder = new TextDecoder();

/** The bytes of a base64url segment. */
export const decodeSegmentBytes: (segment: string) => Uint8Array = nodeBuffer
  ? (segment) => nodeBuffer.from(segment, "base64url")
  : (segment) => base64url.decode(segment);

/** The UTF-8 text of a base64url segment. */
export const decodeSegmentText: (segment: string) => string = nodeBuffer
  ? (segment) => nodeBuffer.from(segment, "base64url").toString("utf8")
  : (segment) => decoder.decode(base64url.decode(segment));

/** A string (as UTF-8) or bytes as an unpadded base64url segment. */
export const encodeSegment: (value: string | Uint8Array) => string = nodeBuffer
  ? (value) =>
      (typeof value === "string"
        ? nodeBuffer.from(value, "utf8")
        : nodeBuffer.from(value)
      ).toString("base64url")
  : (value) => base64url.encode(value);
