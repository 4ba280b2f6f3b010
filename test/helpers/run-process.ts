/**
 * Runs a child process to its end with only the given environment, collecting its output: the
 * CLI, shell sessions and documentation examples all run this way.
 */
import { spawn } from "node:child_process";

/** How a child process ended and what it printed. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args`; `stdin` is written and closed (default: nothing). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly env: Record<string, string>; readonly stdin?: string },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
