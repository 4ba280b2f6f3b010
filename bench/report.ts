/**
 * The benchmark's output: one row per figure, each a ratio against a baseline measured in the same
 * run (these machines are noisy, so absolute numbers from different runs do not compare). Printed
 * as a table and written to `bench/results.json`.
 * @module
 */
import { writeFileSync } from "node:fs";

/** What a figure must satisfy: its `ratio` (or its `value`) against a limit. */
export interface Target {
  readonly of: "ratio" | "value";
  readonly op: ">=" | "<=";
  readonly limit: number;
}

/** One measured figure. */
export interface Row {
  readonly name: string;
  readonly value: number;
  readonly baseline: number;
  readonly ratio: number;
  readonly unit: string;
  /** The target as text, e.g. `ratio >= 0.8`; null where the issue sets none. */
  readonly target: string | null;
  readonly holds: boolean | null;
  /** What the baseline is. */
  readonly against: string;
}

/** Builds a row; `ratio` is `value / baseline`. */
export function row(
  name: string,
  value: number,
  baseline: number,
  unit: string,
  against: string,
  target?: Target,
): Row {
  const ratio = baseline === 0 ? Number.NaN : value / baseline;
  const measured = target?.of === "value" ? value : ratio;
  const holds = target
    ? target.op === ">="
      ? measured >= target.limit
      : measured <= target.limit
    : null;
  return {
    name,
    value,
    baseline,
    ratio,
    unit,
    target: target ? `${target.of} ${target.op} ${target.limit}` : null,
    holds,
    against,
  };
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(value >= 10 ? 1 : 2);
}

/** The rows as a Markdown table (also readable in a terminal). */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    "| figure | value | baseline (same run) | ratio | target | holds |",
    "| --- | ---: | --- | ---: | --- | --- |",
  ];
  for (const r of rows) {
    const holds = r.holds === null ? "" : r.holds ? "yes" : "**NO**";
    lines.push(
      `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} (${r.against}) | ${fmt(r.ratio)} | ${r.target ?? ""} | ${holds} |`,
    );
  }
  return lines.join("\n");
}

/** Writes `bench/results.json`. */
export function writeResults(path: string, rows: readonly Row[], machine: object): void {
  writeFileSync(path, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
}
