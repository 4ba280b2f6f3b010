/**
 * What every CLI command is: its help text, its `node:util` `parseArgs` options, and `run`.
 * @module
 */
import type { ParseArgsConfig } from "node:util";
import { CliError, type IssuerTarget } from "./issuer-client.js";

/** Output and input of a run (standard streams in `main`, buffers in tests). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** All of standard input (for `-` in place of a token). */
  readStdin(): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Parsed flags. */
export type Values = Readonly<Record<string, string | boolean | undefined>>;

/** One command. */
export interface Command {
  /** The full `--help` text. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments it takes. */
  readonly positionals: readonly [min: number, max: number];
  run(values: Values, positionals: readonly string[], io: Io): Promise<number>;
}

/** Flags shared by every command that talks to an issuer. */
export const ISSUER_OPTIONS = {
  issuer: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
} as const;

/** Help lines for {@link ISSUER_OPTIONS}. */
export const ISSUER_HELP = `  --issuer URL            the issuer (default $TOKENMINT_ISSUER, else http://localhost:8080)
  --client-id ID          service client id (default $TOKENMINT_CLIENT_ID)
  --client-secret SECRET  service client secret (default $TOKENMINT_CLIENT_SECRET; prefer the
                          variable: command lines are visible to other users)`;

/** The issuer and credentials from flags, then the environment. */
export function targetOf(values: Values, io: Io): IssuerTarget {
  const issuer =
    stringValue(values, "issuer") ?? io.env.TOKENMINT_ISSUER ?? "http://localhost:8080";
  if (!/^https?:\/\//.test(issuer)) throw new CliError(`--issuer must be an http(s) URL`, 2);
  return {
    issuer,
    clientId: stringValue(values, "client-id") ?? io.env.TOKENMINT_CLIENT_ID,
    clientSecret: stringValue(values, "client-secret") ?? io.env.TOKENMINT_CLIENT_SECRET,
    token: stringValue(values, "token") ?? io.env.TOKENMINT_TOKEN,
  };
}

/** A string flag's value, if given. */
export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A token from the command line, or from standard input when given as `-`. */
export async function tokenArgument(argument: string, io: Io): Promise<string> {
  const token = argument === "-" ? (await io.readStdin()).trim() : argument.trim();
  if (token === "") throw new CliError("No token given", 2);
  return token;
}
