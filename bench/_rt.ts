import { spawn } from "node:child_process";
import { load } from "./load.js";

const child = spawn(
  process.execPath,
  ["--cpu-prof", "--cpu-prof-dir=/tmp/prof", "--import", "tsx", "bench/downstream-server.ts"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const banner: string = await new Promise((r) => child.stdout.on("data", (d) => r(String(d))));
const { routerPort, tokens } = JSON.parse(banner.slice(6));
const reqs = tokens.map((t: string) => ({
  path: "/protected",
  headers: { authorization: `Bearer ${t}` },
}));
const r = await load(`http://127.0.0.1:${routerPort}`, reqs, 5);
console.log(r.rps, r.p50, r.p99);
child.kill("SIGTERM");
await new Promise((res) => setTimeout(res, 1500));
