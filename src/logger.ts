/**
 * Structured logging: one JSON object per line. Callers pass fields, never a token or a secret;
 * `redact` is the last line of defence for fields whose names say they are secret.
 *
 * @example
 * ```ts
 * const log = createJsonLogger();
 * log.info("token.minted", { jti, sub });
 * ```
 * @module
 */

/** Log fields: flat, JSON-serializable values. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging interface the app is given. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const SECRET_FIELD = /token|secret|password|kek|private|authorization|jwe|^d$/i;
const SAFE_FIELD = /^(token_id|jti|token_type)$/;

/** Replaces the values of secret-looking fields with "[redacted]" (a copy only when needed). */
export function redact(fields: LogFields): LogFields {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (SECRET_FIELD.test(key) && !SAFE_FIELD.test(key)) {
      copy ??= { ...fields };
      copy[key] = "[redacted]";
    }
  }
  return copy ?? fields;
}

/**
 * A logger that writes JSON lines through `write` (default: all levels to standard output).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const log = createJsonLogger((line) => lines.push(line));
 * ```
 */
export function createJsonLogger(
  write?: (line: string, level: "info" | "warn" | "error") => void,
  now: () => number = Date.now,
): Logger {
  const emit = (level: "info" | "warn" | "error", event: string, fields: LogFields = {}) => {
    const line = JSON.stringify({
      time: new Date(now()).toISOString(),
      level,
      event,
      ...redact(fields),
    });
    if (write) write(line, level);
    else console.log(line);
  };
  return {
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
