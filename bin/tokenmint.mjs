#!/usr/bin/env node
// The `tokenmint` command. In a checkout (src/ present and tsx installed, i.e. after `npm install`)
// it runs the TypeScript sources through tsx, so it never runs a stale build; in an installed
// package (no src/) it runs the compiled dist/ (`npm run build`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const source = new URL("src/cli/main.ts", root);
const built = new URL("dist/cli/main.js", root);

async function load() {
  if (existsSync(fileURLToPath(source))) {
    try {
      const { register } = await import("tsx/esm/api");
      register();
      return await import(source.href);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !existsSync(fileURLToPath(built))) throw error;
    }
  }
  if (!existsSync(fileURLToPath(built))) {
    process.stderr.write("tokenmint: dist/ is missing; run `npm run build` first\n");
    process.exit(1);
  }
  return import(built.href);
}

const { run } = await load();
await run();
