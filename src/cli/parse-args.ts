/**
 * The CLI's own flag parser, so that every mistake gets a plain message with a suggestion rather
 * than Node's parser text. `--name value`, `--name=value`, boolean `--flag`, `-h`, and `--` before
 * positionals. An argument of one dash plus two or more characters is always a value: key and
 * token ids are base64url, so one in 64 starts with "-" (`--id -Xk2…`, `keys revoke -LYDQ…`).
 *
 * @example
 * ```ts
 * parseCommandLine(["--id", "-x1", "--json"], { id: { type: "string" }, json: { type: "boolean" } });
 * // { values: { id: "-x1", json: true }, positionals: [] }
 * ```
 * @module
 */
import { CliError, EXIT } from "./issuer-client.js";
import { didYouMean } from "./suggest.js";

/** One flag a command takes. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
}

/** A command's flags by name (without the leading `--`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed command line. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean>;
  readonly positionals: string[];
}

function unknownOption(flag: string, options: OptionSpecs): CliError {
  const names = Object.keys(options).map((name) => `--${name}`);
  return new CliError(`unknown option ${flag}${didYouMean(flag, names)}`, EXIT.usage);
}

/**
 * Parses a command's arguments against its flags (`help` / `-h` is always known).
 *
 * @throws {CliError} exit 2 for an unknown flag, a missing value, or a value given to a switch.
 */
export function parseCommandLine(args: readonly string[], options: OptionSpecs): ParsedArgs {
  const known: OptionSpecs = { ...options, help: { type: "boolean" } };
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      values.help = true;
      continue;
    }
    if (/^-[^-]$/.test(arg)) throw unknownOption(arg, known);
    if (!arg.startsWith("--")) {
      // Plain words, "-" (standard input) and "-Xk2…" (a dash-led id) are all values.
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const spec = known[name];
    if (!spec) throw unknownOption(`--${name}`, known);
    if (spec.type === "boolean") {
      if (equals !== -1) throw new CliError(`--${name} takes no value`, EXIT.usage);
      values[name] = true;
      continue;
    }
    if (equals !== -1) {
      values[name] = arg.slice(equals + 1);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) {
      throw new CliError(`--${name} needs a value`, EXIT.usage);
    }
    values[name] = next;
    i++;
  }
  return { values, positionals };
}
