/**
 * How long each measurement runs: the full run, `--quick` (everything in under a minute), and the
 * tiny smoke run used by the test suite.
 * @module
 */

/** Durations and sizes of one benchmark run. */
export interface BenchOptions {
  readonly quick: boolean;
  /** Milliseconds per in-process measurement round, and how many interleaved rounds. */
  readonly microMs: number;
  readonly rounds: number;
  /** Seconds per HTTP load run (autocannon), and its warm-up. */
  readonly loadSeconds: number;
  readonly warmupSeconds: number;
  /** Paired rounds (`/healthz`, then the request) of the issuer's CPU figures, and their seconds. */
  readonly cpuRounds: number;
  readonly cpuRoundSeconds: number;
  /** Calls of each kind per round of the busy-Redis mint script costs. */
  readonly scriptCalls: number;
  /** Tokens minted to measure Redis bytes per token. */
  readonly stateTokens: number;
  /** Entries of the compressed status list figure. */
  readonly listEntries: number;
  /** Issued-token counts of the scale run. */
  readonly scaleSizes: readonly number[];
  /**
   * A checkout of earlier code (dependencies installed) whose issuer is measured beside this one,
   * request kind by request kind, in the same run (`--before <dir>`).
   */
  readonly before?: string;
  /** Runs the measured issuers with `TOKENMINT_METRICS=true` (`--metrics`). */
  readonly metrics?: boolean;
}

export const FULL: BenchOptions = {
  quick: false,
  microMs: 700,
  rounds: 3,
  loadSeconds: 5,
  warmupSeconds: 1,
  cpuRounds: 5,
  cpuRoundSeconds: 2,
  scriptCalls: 8000,
  stateTokens: 5000,
  listEntries: 1_000_000,
  scaleSizes: [10_000, 100_000, 1_000_000],
};

export const QUICK: BenchOptions = {
  quick: true,
  microMs: 80,
  rounds: 1,
  loadSeconds: 1,
  warmupSeconds: 0,
  cpuRounds: 1,
  cpuRoundSeconds: 1,
  scriptCalls: 1000,
  stateTokens: 500,
  listEntries: 1_000_000,
  scaleSizes: [1_000, 10_000],
};

/** For the smoke test: every loop runs once or twice. */
export const SMOKE: BenchOptions = {
  ...QUICK,
  microMs: 10,
  scriptCalls: 256,
  stateTokens: 20,
  listEntries: 4096,
  scaleSizes: [100, 200],
};
