/**
 * `npm run bench` (`npx tsx bench/run.ts [--quick] [--only verifier,downstream,...] [--before
 * <dir>] [--metrics]`): runs every measurement of issue 7 (or the named parts), prints the table
 * with each target and whether it holds, and writes `bench/results.json`. `--before` measures the
 * issuer of an earlier checkout beside this one (see `bench/issuer-http.ts`); `--metrics` runs the
 * measured issuers with their metrics on.
 * @module
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { benchDownstream } from "./downstream.js";
import { benchDurability } from "./durability.js";
import { benchIssuerHttp } from "./issuer-http.js";
import { benchMintScripts } from "./mint-scripts.js";
import { FULL, QUICK } from "./options.js";
import { formatTable, type Row, writeResults } from "./report.js";
import { benchScale } from "./scale.js";
import { benchState } from "./state.js";
import { benchVerifier } from "./verifier.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    before: { type: "string" },
    metrics: { type: "boolean", default: false },
  },
});
const options = {
  ...(values.quick ? QUICK : FULL),
  ...(values.before ? { before: values.before } : {}),
  metrics: values.metrics,
};
const cpuModel =
  /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model;
const machine = {
  command: `npx tsx bench/run.ts${values.quick ? " --quick" : ""}${values.only ? ` --only "${values.only}"` : ""}${values.before ? ` --before ${values.before}` : ""}${values.metrics ? " --metrics" : ""}`,
  cpus: cpus().length,
  cpuModel,
  node: process.version,
  date: new Date().toISOString(),
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const rows: Row[] = [];
const allParts: [string, () => Promise<Row[]>][] = [
  ["verifier", () => benchVerifier(options)],
  ["downstream", () => benchDownstream(options)],
  ["issuer over HTTP", () => benchIssuerHttp(options)],
  ["mint scripts", () => benchMintScripts(options)],
  ["state per token", () => benchState(options)],
  ["scale", () => benchScale(options, log)],
  ["durability", () => benchDurability(options)],
];
const only = values.only?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !allParts.some(([part]) => part === name));
if (unknown?.length) {
  log(
    `--only: unknown part(s) ${unknown.join(", ")}; parts: ${allParts.map(([n]) => n).join(", ")}`,
  );
  process.exit(2);
}
const parts = only ? allParts.filter(([name]) => only.includes(name)) : allParts;
for (const [name, part] of parts) {
  const t = performance.now();
  rows.push(...(await part()));
  log(`${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
console.log(
  `\n${machine.command} on ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}\n`,
);
console.log(formatTable(rows));
const targets = rows.filter((r) => r.holds !== null);
console.log(
  `\n${targets.filter((r) => r.holds).length} of ${targets.length} targets hold; total ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
writeResults(new URL("results.json", import.meta.url).pathname, rows, machine);
process.exit(0);
