/**
 * docs/storage-schema.md cannot drift from the Redis store: every key prefix the store's code
 * builds (`${prefix}…`) is listed in it, and every key its tables list is one the code builds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const doc = readFileSync(join(root, "docs/storage-schema.md"), "utf8");

/** The Redis store's sources: src/store and src/store/redis (the memory store builds no keys). */
function storeSources(): string[] {
  const dirs = ["src/store", "src/store/redis"];
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => readFileSync(join(root, dir, name), "utf8")),
  );
}

/** Each key the code builds, written as the doc writes it: `p` + the text up to the first `${`. */
function keysInCode(): Set<string> {
  const keys = new Set<string>();
  for (const source of storeSources()) {
    for (const [, rest] of source.matchAll(/`\$\{prefix\}([^`]*)`/g)) {
      keys.add(`p${(rest as string).split("${")[0]}`);
    }
  }
  return keys;
}

/** Each key the doc's tables list (first column; keys carry a hash tag), up to its first `<`. */
function keysInDoc(): Set<string> {
  const keys = new Set<string>();
  for (const line of doc.split("\n")) {
    const first = /^\| ([^|]+) \|/.exec(line)?.[1] ?? "";
    for (const [, key] of first.matchAll(/`(p[^`]*\{[^`]*)`/g)) {
      keys.add((key as string).split("<")[0]!);
    }
  }
  return keys;
}

describe("docs/storage-schema.md", () => {
  it("lists every key prefix the Redis store builds", () => {
    const code = keysInCode();
    expect(code.size).toBeGreaterThan(15);
    for (const key of code) expect(doc, `${key} is not in the schema`).toContain(`\`${key}`);
  });

  it("lists no key the Redis store does not build", () => {
    const code = [...keysInCode()];
    for (const key of keysInDoc()) {
      expect(
        code.some((built) => built === key || built.startsWith(key)),
        key,
      ).toBe(true);
    }
  });
});
