/**
 * How the CLI prints: aligned tables and key/value blocks for people, JSON for programs.
 * @module
 */
import type { Io } from "./command.js";

/** An RFC 3339 time shortened to `YYYY-MM-DD HH:MM:SS` (UTC); `-` for none. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 19).replace("T", " ") : "-";
}

/**
 * Prints rows as columns padded to their widest cell; the first row is the header.
 *
 * @example
 * ```ts
 * printTable([["ID", "STATE"], ["VY0l…", "active"]], io.out);
 * ```
 */
export function printTable(rows: readonly (readonly string[])[], out: (line: string) => void) {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  for (const row of rows) {
    out(
      row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
}

/** Prints `key: value` lines, skipping nulls and empty lists; objects as compact JSON. */
export function printFields(
  record: Readonly<Record<string, unknown>>,
  out: (line: string) => void,
) {
  const entries = Object.entries(record).filter(
    ([, value]) =>
      value !== null && value !== undefined && !(Array.isArray(value) && !value.length),
  );
  const width = Math.max(...entries.map(([key]) => key.length));
  for (const [key, value] of entries) {
    const text = Array.isArray(value)
      ? value.join(" ")
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
    out(`${`${key}:`.padEnd(width + 1)} ${text}`);
  }
}

/** Prints a value as indented JSON on standard output, and nothing else. */
export function printJson(value: unknown, io: Io): void {
  io.out(JSON.stringify(value, null, 2));
}
