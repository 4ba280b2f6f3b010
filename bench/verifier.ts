/**
 * Issue 7, part 1: verifications per second in one process, per algorithm, sequentially and with
 * 64 in flight, every contender on the same tokens and key, interleaved in rounds.
 * @module
 */
import { libraries, middlewares, rawCrypto, tokenmint } from "./contenders.js";
import { ALGORITHMS, type BenchAlgorithm, createFixture } from "./fixtures.js";
import { compare } from "./measure.js";
import type { BenchOptions } from "./options.js";
import { type Row, row } from "./report.js";

/** Distinct tokens per algorithm (fits every cache, as a busy service's hot set would). */
const TOKENS = 256;
const OPS = "verif/s";

async function oneMode(
  alg: BenchAlgorithm,
  mode: "seq" | "c64",
  contenders: Awaited<ReturnType<typeof build>>,
  options: BenchOptions,
): Promise<Row[]> {
  const inFlight = mode === "seq" ? 1 : 64;
  const raw = mode === "seq" ? contenders.raw.sync : contenders.raw.pooled;
  const ops = await compare(
    { raw, ...contenders.libs, ...contenders.ours, ...contenders.hono },
    { ms: options.microMs, rounds: options.rounds, inFlight },
  );
  const v = (name: string) => ops[name] ?? Number.NaN;
  const p = `verify.${alg}.${mode}`;
  const rawName = mode === "seq" ? "node:crypto verify" : "node:crypto verify (pool)";
  const rows: Row[] = [
    row(
      `${p}.tokenmint-cold`,
      v("tokenmint cold"),
      v("raw"),
      OPS,
      rawName,
      mode === "seq" ? { of: "ratio", op: ">=", limit: 0.8 } : undefined,
    ),
    row(`${p}.tokenmint-cold`, v("tokenmint cold"), v("fast-jwt"), OPS, "fast-jwt uncached", {
      of: "ratio",
      op: ">=",
      limit: 1,
    }),
    row(`${p}.tokenmint-warm`, v("tokenmint warm"), v("fast-jwt cached"), OPS, "fast-jwt cached", {
      of: "ratio",
      op: ">=",
      limit: 1,
    }),
  ];
  for (const name of Object.keys(contenders.libs)) {
    rows.push(row(`${p}.${name.replaceAll(" ", "-")}`, v(name), v("raw"), OPS, rawName));
  }
  rows.push(row(`${p}.tokenmint-warm`, v("tokenmint warm"), v("raw"), OPS, rawName));
  rows.push(row(`${p}.hono/jwk`, v("hono/jwk"), v("raw"), OPS, rawName));
  rows.push(
    row(
      `${p}.requireToken-cold (app.request)`,
      v("requireToken cold"),
      v("hono/jwk"),
      OPS,
      "hono/jwk",
    ),
  );
  return rows;
}

async function build(alg: BenchAlgorithm) {
  const fixture = await createFixture(alg, TOKENS);
  const built = {
    raw: rawCrypto(fixture),
    libs: libraries(fixture),
    ours: tokenmint(fixture),
    hono: middlewares(fixture),
  };
  // Every contender must accept every token before it is timed.
  for (const op of [
    ...Object.values(built.libs),
    ...Object.values(built.ours),
    ...Object.values(built.hono),
    built.raw.sync,
  ]) {
    for (let i = 0; i < TOKENS; i++) await op(i);
  }
  return built;
}

/** Runs part 1 for the given algorithms (default all three). */
export async function benchVerifier(
  options: BenchOptions,
  algorithms: readonly BenchAlgorithm[] = ALGORITHMS,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const alg of algorithms) {
    const contenders = await build(alg);
    rows.push(...(await oneMode(alg, "seq", contenders, options)));
    rows.push(...(await oneMode(alg, "c64", contenders, options)));
  }
  return rows;
}
