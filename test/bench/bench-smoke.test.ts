/**
 * Keeps the benchmark from rotting: a tiny run of its in-process parts (the verifier comparison
 * for one algorithm, the Redis state figures on the test run's Redis) must produce well-formed
 * rows with finite values. Speed is never asserted here; `npm run bench` measures it.
 */
import { describe, expect, inject, it } from "vitest";
import { SMOKE } from "../../bench/options.js";
import { formatTable, type Row } from "../../bench/report.js";
import { benchState } from "../../bench/state.js";
import { benchVerifier } from "../../bench/verifier.js";

function expectWellFormed(rows: readonly Row[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(Object.keys(r).sort()).toEqual(
      ["against", "baseline", "holds", "name", "ratio", "target", "unit", "value"].sort(),
    );
    expect(r.name).toMatch(/^[a-z]+\./);
    expect(Number.isFinite(r.value) && r.value >= 0).toBe(true);
    expect(Number.isFinite(r.baseline) && r.baseline > 0).toBe(true);
    expect(r.ratio).toBeCloseTo(r.value / r.baseline, 10);
    expect(r.holds === null).toBe(r.target === null);
  }
  expect(formatTable(rows).split("\n")).toHaveLength(rows.length + 2);
}

describe("the benchmark harness (smoke run)", () => {
  it("compares the verifiers on the same ES256 tokens", async () => {
    const rows = await benchVerifier(SMOKE, ["ES256"]);
    expectWellFormed(rows);
    expect(rows.map((r) => r.name)).toContain("verify.ES256.seq.tokenmint-cold");
    expect(rows.map((r) => r.name)).toContain("verify.ES256.c64.tokenmint-warm");
  });

  it("measures Redis bytes per token and the compressed status list", async () => {
    const rows = await benchState(SMOKE, inject("redisUrl"));
    expectWellFormed(rows);
    expect(rows.map((r) => r.name)).toContain("state.redis-bytes-per-token");
    expect(rows.find((r) => r.name === "state.status-list.bits-per-entry")?.baseline).toBe(2);
  });
});
