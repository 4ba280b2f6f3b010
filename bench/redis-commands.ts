/**
 * Where Redis's time per mint goes, by command: `INFO commandstats` read around each mint run.
 * Redis counts the commands a script calls under their own names too, and a script's `usec`
 * includes theirs; what no script accounts for (reading and parsing requests, writing replies,
 * the event loop, the few commands sent outside a script) is Redis's CPU per mint less the
 * scripts' time.
 * @module
 */
import type { Redis } from "ioredis";
import { type Row, row } from "./report.js";

/** Calls and microseconds of each command so far. */
type Snapshot = Map<string, { calls: number; usec: number }>;

/** The commands that run scripts: their time includes the commands the scripts call. */
const SCRIPTS = new Set(["evalsha", "eval", "evalsha_ro", "eval_ro", "fcall", "fcall_ro"]);
/** Commands below this share of a mint are left out of the rows. */
const SHOWN_FROM_USEC = 0.5;

async function snapshot(redis: Redis): Promise<Snapshot> {
  const stats: Snapshot = new Map();
  for (const line of (await redis.info("commandstats")).split("\n")) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match) {
      stats.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) });
    }
  }
  return stats;
}

/** Command statistics summed over several measured runs. */
export class CommandStats {
  readonly #total: Snapshot = new Map();
  #requests = 0;

  /** The counters before a run. */
  read(redis: Redis): Promise<Snapshot> {
    return snapshot(redis);
  }

  /** Adds what changed since `before` over a run that served `requests`. */
  async add(redis: Redis, before: Snapshot, requests: number): Promise<void> {
    const after = await snapshot(redis);
    for (const [name, now] of after) {
      const then = before.get(name) ?? { calls: 0, usec: 0 };
      const sum = this.#total.get(name) ?? { calls: 0, usec: 0 };
      this.#total.set(name, {
        calls: sum.calls + now.calls - then.calls,
        usec: sum.usec + now.usec - then.usec,
      });
    }
    this.#requests += requests;
  }

  /**
   * One row per command worth half a microsecond per request or more (µs per request against
   * `perRequest`, Redis's CPU per request), and one for what is outside every script.
   */
  rows(perRequest: number): Row[] {
    const n = Math.max(1, this.#requests);
    const commands = [...this.#total]
      .map(([name, { calls, usec }]) => ({ name, calls: calls / n, usec: usec / n }))
      .filter((command) => command.calls > 0)
      .sort((a, b) => b.usec - a.usec);
    const inScripts = commands
      .filter((command) => SCRIPTS.has(command.name))
      .reduce((sum, command) => sum + command.usec, 0);
    return [
      ...commands
        .filter((command) => command.usec >= SHOWN_FROM_USEC)
        .map((command) =>
          row(
            `redis.cpu.mint.${command.name.replace("|", "-")}`,
            command.usec,
            perRequest,
            "µs",
            `Redis CPU per mint; ${command.calls.toFixed(2)} calls per mint${SCRIPTS.has(command.name) ? ", the commands its scripts call included" : ""}`,
          ),
        ),
      row(
        "redis.cpu.mint.outside-scripts",
        Math.max(0, perRequest - inScripts),
        perRequest,
        "µs",
        "Redis CPU per mint; requests read and parsed, replies written, event loop, commands sent alone",
      ),
    ];
  }
}
