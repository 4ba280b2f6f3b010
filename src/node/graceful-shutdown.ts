/**
 * Graceful shutdown for the Node entries: on SIGINT or SIGTERM, stop accepting connections, let
 * in-flight requests finish (`close`), then exit; a second signal or 10 s without finishing
 * forces the exit.
 * @module
 */
import type { Logger } from "../logger.js";

/**
 * Installs the signal handlers.
 *
 * @example
 * ```ts
 * stopOnSignals(() => issuer.close(), logger, "server");
 * ```
 */
export function stopOnSignals(close: () => Promise<void>, logger: Logger, name: string): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${name}.stopping`, { signal });
    const force = setTimeout(() => process.exit(1), 10000);
    force.unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** Reports a failed start on standard error and exits with status 1. */
export function exitOnStartFailure(name: string): (error: unknown) => never {
  return (error) => {
    process.stderr.write(
      `${name}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  };
}
