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

/** Whether a field name says its value is secret, decided once per name. */
const secretByName = new Map<string, boolean>();
function isSecretField(name: string): boolean {
  let secret = secretByName.get(name);
  if (secret === undefined) {
    secret = SECRET_FIELD.test(name) && !SAFE_FIELD.test(name);
    // Field names come from code, a few dozen; the cap bounds a caller that builds names at will.
    if (secretByName.size < 1024) secretByName.set(name, secret);
  }
  return secret;
}

/** Replaces the values of secret-looking fields with "[redacted]" (a copy only when needed). */
export function redact(fields: LogFields): LogFields {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (isSecretField(key)) {
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
  // Lines written in the same millisecond share one formatted time.
  let lastMillis = Number.NaN;
  let lastTime = "";
  const timeOf = (millis: number) => {
    if (millis !== lastMillis) {
      lastMillis = millis;
      lastTime = new Date(millis).toISOString();
    }
    return lastTime;
  };
  const emit = (level: "info" | "warn" | "error", event: string, fields: LogFields = {}) => {
    const line = JSON.stringify({
      time: timeOf(now()),
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
