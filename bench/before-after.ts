/**
 * `npx tsx bench/before-after.ts <checkout> [rounds]`: this checkout's issuer against an earlier
 * one (`<checkout>`, dependencies installed), for introspect, list and mint, in interleaved rounds:
 * each round measures `/healthz` then the kind on this issuer, then the same on the earlier one
 * (each on its own redis-server, pinned as in `bench/issuer-http.ts`). Prints each side's CPU per
 * request as a multiple of its own `/healthz` CPU in every round, Redis's CPU per mint, and the
 * ratio of the medians (below 1: less now). Many short interleaved rounds, not one long run,
 * because the speed of these shared cores drifts by a quarter within a minute.
 * @module
 */
import { OTHER_CORES, pin } from "./cpu.js";
import { prepareIssuer } from "./issuer-http.js";
import { FULL } from "./options.js";
import { median } from "./paired-rounds.js";

const [checkout, roundsArg] = process.argv.slice(2);
if (!checkout) {
  process.stderr.write("usage: npx tsx bench/before-after.ts <checkout> [rounds]\n");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 5);
const SECONDS = 3;

/** An issuer measured in short runs after a one-second warm-up of each kind it is read with. */
async function prepare(from?: string) {
  const issuer = await prepareIssuer({ ...FULL, loadSeconds: SECONDS, warmupSeconds: 1 }, from);
  for (const kind of ["healthz", "introspect", "list"]) await issuer.warmUp(kind);
  return issuer;
}

pin(process.pid, OTHER_CORES);
const sides = [await prepare(), await prepare(checkout)];
const figures: Record<string, [number[], number[]]> = {};
for (const kind of ["introspect", "list", "mint"]) {
  const multiples: [number[], number[]] = [[], []];
  const redisCpu: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    for (const [side, issuer] of sides.entries()) {
      const healthz = await issuer.measure("healthz");
      const measured = await issuer.measure(kind);
      multiples[side as 0 | 1].push(measured.server / healthz.server);
      redisCpu[side as 0 | 1].push(measured.redis);
    }
  }
  figures[`${kind} (× /healthz CPU)`] = multiples;
  if (kind === "mint") figures["Redis µs per mint"] = redisCpu;
}
for (const [name, [now, before]] of Object.entries(figures)) {
  const show = (values: number[]) => values.map((v) => v.toFixed(2)).join(" ");
  console.log(
    `${name}: now ${show(now)} | before ${show(before)} | medians ${median(now).toFixed(2)} vs ${median(before).toFixed(2)} → ${(median(now) / median(before)).toFixed(2)}`,
  );
}
for (const issuer of sides) await issuer.stop();
process.exit(0);
