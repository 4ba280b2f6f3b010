/**
 * Log lines to standard output, written once per turn of the event loop instead of once per line.
 * On Linux, writes to a pipe or a file are synchronous in Node, so a request log written line by
 * line would cost one system call per request. Lines are kept in order, flushed at the latest after the current turn (or at once
 * past 256 lines), and flushed synchronously when the process exits, so none are lost on a clean
 * exit or `process.exit()`.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger(stdoutLines());
 * ```
 * @module
 */

const MAX_PENDING = 256;

/**
 * Creates the writer (one per process is enough; each registers an exit hook).
 *
 * @example
 * ```ts
 * const write = stdoutLines();
 * write('{"event":"server.listening"}');
 * ```
 */
export function stdoutLines(
  stream: { write(chunk: string): unknown } = process.stdout,
): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = `${pending.join("\n")}\n`;
    pending = [];
    stream.write(chunk);
  };
  process.on("exit", flush);
  return (line) => {
    pending.push(line);
    if (pending.length >= MAX_PENDING) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
