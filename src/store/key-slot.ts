/**
 * The Redis Cluster hash slot of a key (CRC16/XMODEM of the key, or of its `{hash tag}`, modulo
 * 16384), so the store can tell which primary, and how many replicas, a write lands on.
 *
 * @example
 * ```ts
 * keySlot("tm:tok:{abc}") === keySlot("abc"); // true
 * ```
 * @module
 */

const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[byte] = crc & 0xffff;
}

const encoder = new TextEncoder();

/**
 * The slot `key` hashes to, as `CLUSTER KEYSLOT` computes it.
 *
 * @example
 * ```ts
 * keySlot("foo"); // 12182
 * ```
 */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  const close = open === -1 ? -1 : key.indexOf("}", open + 1);
  // Only a non-empty tag counts; `{}` hashes the whole key, as Redis does.
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of encoder.encode(hashed)) {
    crc = ((crc << 8) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number)) & 0xffff;
  }
  return crc % 16384;
}
