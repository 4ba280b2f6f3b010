/**
 * What every CLI command is (help, flags, `run`), and what commands share: the issuer and its
 * credentials from flags or the environment, and `-` for standard input.
 * @module
 */
import { CliError, EXIT, type IssuerTarget } from "./issuer-client.js";
import type { OptionSpecs } from "./parse-args.js";

/** Output and input of a run (standard streams in `main`, buffers in tests). */
export interface Io {
  /** Standard output: results only (with `--json`, only JSON). */
  out(line: string): void;
  /** Standard error: progress, notes and errors. */
  err(line: string): void;
  /** All of standard input (for `-` in place of a token or a body). */
  readStdin(): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Parsed flags. */
export type Values = Readonly<Record<string, string | boolean | undefined>>;

/** One command. */
export interface Command {
  /** One line for the command lists. */
  readonly summary: string;
  /** The full `--help` text, starting `Usage: tokenmint <name>`. */
  readonly help: string;
  readonly options: OptionSpecs;
  /** How many positional arguments it takes. */
  readonly positionals: readonly [min: number, max: number];
  run(values: Values, positionals: readonly string[], io: Io): Promise<number>;
}

/** Flags shared by every command that talks to an issuer as a service client. */
export const ISSUER_OPTIONS = {
  issuer: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
} as const;

/** {@link ISSUER_OPTIONS} plus a user token, for the calls a token holder may make. */
export const TOKEN_OPTIONS = { ...ISSUER_OPTIONS, token: { type: "string" } } as const;

/** `--json`. */
export const JSON_OPTION = { json: { type: "boolean" } } as const;

/** Help lines for {@link ISSUER_OPTIONS}. */
export const ISSUER_HELP = `  --issuer URL            the issuer (default $TOKENMINT_ISSUER, else http://localhost:8080)
  --client-id ID          service client id (default $TOKENMINT_CLIENT_ID)
  --client-secret SECRET  service client secret (default $TOKENMINT_CLIENT_SECRET; prefer the
                          variable or "-" for standard input: command lines are visible to others)`;

/** Help lines for {@link TOKEN_OPTIONS}. */
export const TOKEN_HELP = `${ISSUER_HELP}
  --token TOKEN | -       act as this user token (default $TOKENMINT_TOKEN) instead of a client`;

/** Help line for {@link JSON_OPTION}. */
export const JSON_HELP =
  "  --json                  print only the issuer's JSON answer on standard output";

/** A string flag's value, if given. */
export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A value as given, or all of standard input (trimmed) when given as `-`. */
export async function valueOrStdin(value: string, io: Io, what: string): Promise<string> {
  const read = value === "-" ? (await io.readStdin()).trim() : value.trim();
  if (read === "") throw new CliError(`No ${what} given`, EXIT.usage);
  return read;
}

/** A token from the command line, or from standard input when given as `-`. */
export function tokenArgument(argument: string, io: Io): Promise<string> {
  return valueOrStdin(argument, io, "token");
}

/** A flag's value, else the environment's (an empty variable counts as unset). */
function flagOrEnv(values: Values, flag: string, io: Io, variable: string): string | undefined {
  return stringValue(values, flag) ?? (io.env[variable] || undefined);
}

/** The issuer and credentials from flags, then the environment (`-` reads standard input). */
export async function targetOf(values: Values, io: Io): Promise<IssuerTarget> {
  const issuer = flagOrEnv(values, "issuer", io, "TOKENMINT_ISSUER") ?? "http://localhost:8080";
  if (!/^https?:\/\//.test(issuer)) {
    throw new CliError("--issuer (or TOKENMINT_ISSUER) must be an http(s) URL", EXIT.usage);
  }
  const secret = flagOrEnv(values, "client-secret", io, "TOKENMINT_CLIENT_SECRET");
  const token = flagOrEnv(values, "token", io, "TOKENMINT_TOKEN");
  return {
    issuer: issuer.replace(/\/+$/, ""),
    clientId: flagOrEnv(values, "client-id", io, "TOKENMINT_CLIENT_ID"),
    clientSecret: secret === "-" ? await valueOrStdin(secret, io, "secret") : secret,
    token: token === undefined ? undefined : await tokenArgument(token, io),
  };
}

/** A comma-separated list flag, without blanks. */
export function listValue(values: Values, name: string): string[] | undefined {
  return stringValue(values, name)
    ?.split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
