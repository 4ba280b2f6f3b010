/**
 * What the token-issuing commands (`tokens create`, `rotate`, `update`) share: request bodies from
 * flags and `--body JSON|-`, and printing a new token so that it can be captured.
 * @module
 */
import { parseDurationSeconds } from "../../config/duration.js";
import { type Io, stringValue, type Values, valueOrStdin } from "../command.js";
import { CliError, EXIT } from "../issuer-client.js";

/** The expiry flags. */
export const EXPIRY_OPTIONS = {
  "expires-in": { type: "string" },
  "expires-at": { type: "string" },
  "no-expiry": { type: "boolean" },
} as const;

/** Help lines for {@link EXPIRY_OPTIONS}. */
export const EXPIRY_HELP = `  --expires-in DURATION   seconds, or 15m, 12h, 30d…
  --expires-at TIME       RFC 3339
  --no-expiry             never expires (where the policy allows it)`;

/** Help line for `--body`. */
export const BODY_HELP = `  --body JSON | -         the request body as JSON ("-": standard input); flags override it`;

/** `expires_in` / `expires_at` from the expiry flags (at most one). */
export function expiryOf(values: Values): Record<string, unknown> {
  const given = Object.keys(EXPIRY_OPTIONS).filter((name) => values[name]);
  if (given.length > 1) {
    throw new CliError("Give one of --expires-in, --expires-at, --no-expiry", EXIT.usage);
  }
  const expiresIn = stringValue(values, "expires-in");
  if (expiresIn !== undefined) {
    const seconds = parseDurationSeconds(expiresIn);
    if (seconds === undefined) {
      throw new CliError("--expires-in: seconds, or 15m, 12h, 30d…", EXIT.usage);
    }
    return { expires_in: seconds };
  }
  const expiresAt = stringValue(values, "expires-at");
  if (expiresAt !== undefined) return { expires_at: expiresAt };
  return values["no-expiry"] ? { expires_at: null } : {};
}

/** `permissions` from `--permissions JSON`. */
export function permissionsOf(values: Values): Record<string, unknown> {
  const raw = stringValue(values, "permissions");
  if (raw === undefined) return {};
  try {
    return { permissions: JSON.parse(raw) as unknown };
  } catch {
    throw new CliError(
      '--permissions: JSON, e.g. {"read_project":["gid://gitlab/Project/42"]}',
      EXIT.usage,
    );
  }
}

/** The JSON object given with `--body` (or read from standard input for `-`); `{}` without. */
export async function bodyOf(values: Values, io: Io): Promise<Record<string, unknown>> {
  const raw = stringValue(values, "body");
  if (raw === undefined) return {};
  let body: unknown;
  try {
    body = JSON.parse(await valueOrStdin(raw, io, "body"));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`--body: not JSON (${(error as Error).message})`, EXIT.usage);
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new CliError("--body: a JSON object", EXIT.usage);
  }
  return body as Record<string, unknown>;
}

/** Drops the keys whose value is undefined (the API refuses nothing, but keeps bodies tidy). */
export function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** A token the issuer answered with (mint, rotation). */
export interface IssuedAnswer {
  id: string;
  token: string;
  scope: string[];
  expires_at: string | null;
  rotated_from?: string;
  state?: string;
}

/**
 * Prints a new token alone on standard output and what it is on standard error, so that
 * `TOKEN=$(tokenmint tokens create …)` captures just the token.
 */
export function printIssued(answer: IssuedAnswer, io: Io): void {
  io.out(answer.token);
  const what = answer.rotated_from
    ? `rotated ${answer.rotated_from} into ${answer.id}`
    : `minted ${answer.id}`;
  io.err(
    `${what} (${answer.scope.join(" ")}), expires ${answer.expires_at ?? "never"}; the token above is shown only once`,
  );
  if (answer.state === "pending") {
    io.err("it is pending: it works once a service client approves it (tokenmint tokens approve)");
  }
}
