/**
 * The compressed size of a large Token Status List: `entries` 2-bit entries with `revokedShare` of
 * them revoked at random (seeded, so runs compare), compressed exactly as the issuer serves it.
 * @module
 */
import {
  compressStatusList,
  decodeBase64url,
  readStatusBits,
  writeStatusBits,
} from "@tokenmint/verifier/status";
import type { BenchOptions } from "./options.js";
import { type Row, row } from "./report.js";

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Measures the compressed list; the baseline is the uncompressed byte array. */
export async function benchStatusListSize(
  options: BenchOptions,
  revokedShare = 0.01,
): Promise<Row[]> {
  const entries = options.listEntries;
  const bytes = new Uint8Array(entries / 4);
  const next = random(7);
  let revoked = 0;
  while (revoked < Math.round(entries * revokedShare)) {
    const idx = Math.floor(next() * entries);
    if (readStatusBits(bytes, idx) === 0) {
      writeStatusBits(bytes, idx, 1);
      revoked++;
    }
  }
  const lst = await compressStatusList(bytes);
  const compressed = decodeBase64url(lst).length;
  const label = `${entries.toLocaleString("en-US")} entries, ${revokedShare * 100}% revoked`;
  return [
    row(
      `state.status-list.compressed (${label})`,
      compressed,
      bytes.length,
      "B",
      "uncompressed 2-bit list",
    ),
    row(
      `state.status-list.lst-chars (${label})`,
      lst.length,
      bytes.length,
      "chars",
      "uncompressed 2-bit list",
    ),
  ];
}
