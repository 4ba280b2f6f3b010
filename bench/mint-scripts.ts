/**
 * What each part of a mint costs Redis when Redis is kept busy: the store's own calls (the same
 * scripts and arguments a mint sends) run in batches of 32 from one client, with Redis pinned to
 * its own core, so Redis's CPU per call is its work without the per-request wake-ups an HTTP load
 * adds. Rows: a whole mint (both round trips), the floor's two scripts, each guarantee's script
 * alone (as Redis Cluster runs them), and what any script pays: an empty one, the same with 60
 * arguments, and one calling a cheap command 16 times.
 * @module
 */
import { Redis } from "ioredis";
import type { AuditEvent, TokenRecord } from "../src/store/records.js";
import { tokenHashFields } from "../src/store/redis/token-hash.js";
import { createRedisStore } from "../src/store/redis-store.js";
import { expiryDay } from "../src/store/token-indexes.js";
import { mintedEvent } from "../src/tokens/issue-token.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { OTHER_CORES, pin, redisCpuMicros, redisPid, SERVER_CORE, unpinSelf } from "./cpu.js";
import { BARE_GUARANTEES, benchRecord, defineScript, floorMint } from "./floor-scripts.js";
import { BENCH_AUDIT_CAP, BENCH_SUBJECTS, mintOverHttp, startIssuer } from "./issuer-process.js";
import type { BenchOptions } from "./options.js";
import { median } from "./paired-rounds.js";
import { type Row, row } from "./report.js";

/** Operations in flight at once: what one client's pipeline carries per write. */
const BATCH = 32;
const PREFIX = "bench:";
const RETENTION = 7 * 86_400;
/** The bare mint's signing gate: a small hash of the epoch and the active kid. */
const BARE_GATE = "bare:{keys}:gate";
const SIXTY_ARGS = Array.from({ length: 60 }, (_, i) => `argument-${String(i).padStart(7, "0")}`);

/** One measured operation: mint number `i`'s share of the work. */
type Operation = (i: number) => Promise<unknown>;

/**
 * Runs the part: `options.cpuRounds` rounds, each running every operation `options.scriptCalls`
 * times in turn; a row's figure is the median over the rounds of Redis's CPU per operation.
 */
export async function benchMintScripts(options: BenchOptions): Promise<Row[]> {
  const perRound = options.scriptCalls;
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  pin(process.pid, OTHER_CORES);
  pin(await redisPid(redis), SERVER_CORE);
  // The real issuer sets up what a mint checks: the keyring, the epoch, the audit stream's group.
  const issuer = await startIssuer(server.url, PREFIX);
  await mintOverHttp(issuer, BENCH_SUBJECTS);
  await issuer.stop();
  const store = createRedisStore({ url: server.url, prefix: PREFIX });
  const floor = new Redis(server.url, { enableAutoPipelining: true });
  try {
    const epoch = await store.open(1 << 16);
    const active = (await store.readKeyring()).keys.find((key) => key.state === "active");
    if (!active) throw new Error("mint scripts: the bench issuer left no active key");
    const { kid } = active;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + 30 * 86_400;
    const run = `${Date.now().toString(36)}`;
    const records = { kid, epochId: epoch.id, created: now, exp };
    const record = (i: number) =>
      benchRecord(i, `${run}x${i}`, `user-${i % BENCH_SUBJECTS}`, records);
    const event = (r: TokenRecord): AuditEvent => ({
      ...mintedEvent(r, { actor: "client:bench", state: "active", kind: "pat" }),
      at: now,
    });
    const opening = (r: TokenRecord) => ({
      slot: r,
      now,
      maxLive: 1_000_000,
      retentionSeconds: RETENTION,
      subjectRate: { limit: 1_000_000_000, windowSeconds: 60 },
      clientCounter: { name: "mint:client:bench", windowSeconds: 60 },
      key: { kid, exp },
    });
    const floorMints = floorMint(floor);
    const bareMint = defineScript(floor, "bareGuarantees", BARE_GUARANTEES, 8);
    await floor.hset(BARE_GATE, "epoch", epoch.id, kid, "active");
    const emptySha = (await redis.script("LOAD", "return 1")) as string;
    const existsSha = (await redis.script(
      "LOAD",
      "for _ = 1, 16 do redis.call('EXISTS', KEYS[1]) end return 1",
    )) as string;

    const operations: [string, string, Operation][] = [
      [
        "mint",
        "a mint's two round trips (the signing gate, client rate and subject slot; then the record, its indexes and the audit event)",
        async (i) => {
          const r = record(i);
          const opened = await store.openMint(opening(r));
          // A refused mint would be measured as the cheaper path it takes: fail loudly instead.
          if (!opened.keyNoted || opened.slot !== "reserved") {
            throw new Error(`mint scripts: the mint was refused (${JSON.stringify(opened)})`);
          }
          await store.saveToken(r, RETENTION, "active", {
            event: event(r),
            maxLength: BENCH_AUDIT_CAP,
          });
        },
      ],
      [
        "floor",
        "the floor's two scripts (INCR, EXPIRE and ZADD; then HSET and EXPIREAT of the same record)",
        async (i) => {
          const r = record(i);
          await floorMints.reserve(r.sub, now, r.id);
          await floorMints.save(r, exp + RETENTION, epoch);
        },
      ],
      [
        "bare-guarantees",
        "the least command each guarantee needs, in one script, without the bookkeeping that keeps them (see floor-scripts.ts)",
        async (i) => {
          const r = record(i);
          const fields = tokenHashFields(r, epoch);
          const answer = await bareMint(
            BARE_GATE,
            "bare:rl:{mint:client:bench}",
            `bare:sub:{${r.sub}}:mints`,
            `bare:sub:{${r.sub}}`,
            `bare:tok:{${r.id}}`,
            `bare:orgsub:{${r.org}}`,
            `bare:expsub:{${expiryDay(exp)}}`,
            "bare:{audit}",
            kid,
            epoch.id,
            now,
            r.id,
            exp,
            exp + RETENTION,
            r.sub,
            fields.length,
            ...fields,
            JSON.stringify(event(r)),
            BENCH_AUDIT_CAP,
          );
          if (typeof answer !== "string")
            throw new Error("mint scripts: the bare mint was refused");
        },
      ],
      ["part.signing-gate", "the signing gate alone", () => store.noteKeyUse(kid, exp)],
      [
        "part.client-rate",
        "the client's rate counter alone",
        () => store.countHit("mint:client:bench", now, 60),
      ],
      [
        "part.subject-slot",
        "the subject's rate and slot alone",
        (i) => {
          const o = opening(record(i + 1_000_000_000));
          return store.reserveSubjectSlot(o.slot, now, o.maxLive, RETENTION, o.subjectRate);
        },
      ],
      [
        "part.record-and-indexes",
        "the record, the org index and the expiry day's index, three scripts",
        (i) => store.saveToken(record(i + 2_000_000_000), RETENTION),
      ],
      [
        "part.audit-event",
        `the audit event alone (the stream at its cap of ${BENCH_AUDIT_CAP})`,
        (i) => store.appendAudit(event(record(i)), BENCH_AUDIT_CAP),
      ],
      ["script.empty", "a script that only returns", () => floor.evalsha(emptySha, 0)],
      [
        "script.empty-60-args",
        "the same script given 60 arguments of 16 bytes (a mint passes 58 keys and arguments)",
        () => floor.evalsha(emptySha, 0, ...SIXTY_ARGS),
      ],
      [
        "script.16-exists",
        "a script calling EXISTS 16 times (a mint's scripts make 16 calls)",
        () => floor.evalsha(existsSha, 1, "bench:absent"),
      ],
    ];

    const perOperation = new Map<string, number[]>();
    let next = 0;
    for (let round = 0; round < Math.max(1, options.cpuRounds); round++) {
      for (const [name, , operation] of operations) {
        const before = await redisCpuMicros(redis);
        for (let done = 0; done < perRound; done += BATCH) {
          await Promise.all(Array.from({ length: BATCH }, () => operation(next++)));
        }
        const spent = (await redisCpuMicros(redis)) - before;
        perOperation.set(name, [...(perOperation.get(name) ?? []), spent / perRound]);
      }
    }
    const mint = median(perOperation.get("mint") ?? []);
    return operations.map(([name, text]) =>
      row(
        `redis.busy.${name}`,
        median(perOperation.get(name) ?? []),
        mint,
        "µs",
        `Redis CPU per call, Redis kept busy, against a whole mint: ${text}`,
      ),
    );
  } finally {
    unpinSelf();
    floor.disconnect();
    redis.disconnect();
    await store.close();
    await server.stop();
  }
}
