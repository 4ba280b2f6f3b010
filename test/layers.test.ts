/**
 * The issuer's folders form layers: a module imports only from its own folder or from a lower
 * layer (type imports count), so no folder-level cycle can form; and the verifier package imports
 * nothing of the issuer.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

/** Bottom to top. Each entry is a first-level folder or file of `src/`. */
const LAYERS: readonly (readonly string[])[] = [
  [
    "clock.ts",
    "random.ts",
    "constant-time.ts",
    "read-capped.ts",
    "logger.ts",
    "errors.ts",
    "generated",
  ],
  ["problem-json.ts", "config"],
  ["store"],
  ["audit"],
  ["keys"],
  ["context.ts"],
  ["metrics", "status", "webhooks"],
  ["tokens"],
  ["openapi"],
  ["http"],
  ["web"],
  ["app.ts", "bootstrap.ts"],
  ["node", "worker", "cli"],
  ["router", "server.ts", "worker.ts", "index.ts", "verifier.ts"],
];

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/gs;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of every source file under `root`: [file, specifier, resolved path]. */
function relativeImports(root: string): Array<[string, string, string]> {
  return sourceFiles(root).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match): [string, string, string] => {
      const specifier = (match[1] ?? match[2]) as string;
      return [file, specifier, normalize(join(dirname(file), specifier))];
    }),
  );
}

/** The first-level entry of `src/` a path belongs to (`.js` specifiers name `.ts` files). */
function nodeOf(path: string): string {
  return (relative("src", path).split(sep)[0] as string)
    .replace(/\.js$/, ".ts")
    .replace(/\.jsx$/, ".tsx");
}

const layerOf = new Map(LAYERS.flatMap((names, index) => names.map((name) => [name, index])));

describe("the folder layers", () => {
  it("place every first-level entry of src/", () => {
    const unplaced = readdirSync("src").filter((name) => !layerOf.has(name));
    expect(unplaced).toEqual([]);
  });

  it("let a module import only its own folder or lower layers", () => {
    const upward = relativeImports("src").flatMap(([file, specifier, target]) => {
      if (!target.startsWith(`src${sep}`)) return [];
      const from = nodeOf(file);
      const to = nodeOf(target);
      if (from === to) return [];
      return (layerOf.get(to) ?? Number.POSITIVE_INFINITY) < (layerOf.get(from) ?? -1)
        ? []
        : [`${file} imports ${specifier} (${from} may not depend on ${to})`];
    });
    expect(upward).toEqual([]);
  });

  it("keep the verifier package free of the issuer", () => {
    const root = join("packages", "verifier");
    const outside = relativeImports(join(root, "src"))
      .filter(([, , target]) => !target.startsWith(`${root}${sep}`))
      .map(([file, specifier]) => `${file} imports ${specifier}`);
    expect(outside).toEqual([]);
  });
});
