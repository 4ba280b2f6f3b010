/**
 * Runs a server in a child process (so the load generator never shares its event loop) and waits
 * for the line that says it listens.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";

/** A running child server. */
export interface ChildServer {
  readonly process: ChildProcess;
  /** The line it printed when ready (matched by `ready`). */
  readonly banner: string;
  stop(): Promise<void>;
}

/**
 * Spawns `node --import tsx <script>` with `env` (in `cwd`, default this checkout) and resolves
 * once `ready` matches its output.
 */
export async function startChild(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
  cwd?: string,
): Promise<ChildServer> {
  // BENCH_CPU_PROFILE=<dir> writes a CPU profile of every child server (for finding hot spots).
  const profile = process.env.BENCH_CPU_PROFILE;
  const flags = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, "--import", "tsx", script], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(cwd === undefined ? {} : { cwd }),
  });
  const banner = await new Promise<string>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = ready.exec(output);
      if (match) resolve(match[0]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}:\n${output}`)));
  });
  // Past the banner, the child's output (request logs) is drained, not collected.
  child.stdout?.removeAllListeners("data").resume();
  child.stderr?.removeAllListeners("data").resume();
  return {
    process: child,
    banner,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
