/**
 * The `tokenmint` command line: finds the command (with "did you mean" for a typo), parses its
 * flags, prints help for the whole CLI, a group or a command, and maps failures to exit codes:
 * 0 success, 1 the issuer refused or a check failed, 2 a usage error, 3 no answer from the issuer.
 *
 * @example
 * ```sh
 * tokenmint keys list --issuer https://tokens.example.com
 * tokenmint inspect - < token.txt
 * ```
 * @module
 */
import { readFileSync } from "node:fs";
import type { Command, Io } from "./command.js";
import { ALIASES, COMMANDS, GROUPS } from "./commands/index.js";
import { groupHelp, HELP } from "./help.js";
import { CliError, EXIT } from "./issuer-client.js";
import { parseCommandLine } from "./parse-args.js";
import { closest } from "./suggest.js";

/** The version in package.json (two folders up from both src/cli and dist/cli). */
function version(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** A command name with the arguments after it, or the usage error that explains the miss. */
function findCommand(argv: readonly string[]): { name: string; rest: string[] } {
  const [first = "", second] = argv;
  const pair = `${first} ${second}`;
  for (const [name, words] of [
    [pair, 2],
    [first, 1],
  ] as const) {
    const resolved = COMMANDS[name] ? name : ALIASES[name];
    if (resolved) return { name: resolved, rest: argv.slice(words) };
  }
  const names = [...Object.keys(COMMANDS), ...Object.keys(ALIASES)];
  let guess: string | undefined;
  if (GROUPS[first]) {
    const subcommands = names.filter((name) => name.startsWith(`${first} `));
    guess = closest(pair, subcommands);
  } else {
    const words = [...new Set(names.map((name) => name.split(" ")[0] as string))];
    const word = closest(first, words);
    guess = word && GROUPS[word] ? closest(`${word} ${second ?? ""}`, names) : word;
    if (word && GROUPS[word] && !guess) guess = word;
  }
  const typed = GROUPS[first] ? pair : first;
  throw new CliError(
    `unknown command "${typed}"${guess ? `; did you mean "${guess}"?` : ""}\nRun "tokenmint --help" for the list of commands.`,
    EXIT.usage,
  );
}

/** The "Usage:" lines of a command's help. */
const usageOf = (command: Command) => command.help.split("\n\n")[0] ?? "";

/** Runs one command with its arguments. */
async function runCommand(name: string, rest: string[], io: Io): Promise<number> {
  const command = COMMANDS[name] as Command;
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(rest, command.options);
  } catch (error) {
    // Point at the options that do exist; the message already names the nearest one.
    if (error instanceof CliError) {
      throw new CliError(`${error.message}\nRun "tokenmint ${name} --help" for its options.`, 2);
    }
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(command.help);
    return EXIT.ok;
  }
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw new CliError(
      `"${name}" takes ${wanted} argument(s), got ${positionals.length}\n${usageOf(command)}`,
      EXIT.usage,
    );
  }
  return command.run(values, positionals, io);
}

/** The top-level flags and help requests, or undefined when argv names a command. */
function topLevel(argv: readonly string[], io: Io): number | undefined {
  const [first, second] = argv;
  const asksHelp = (arg: string | undefined) => arg === "--help" || arg === "-h";
  if (first === undefined) {
    io.err(HELP);
    return EXIT.usage;
  }
  if (asksHelp(first) || (first === "help" && second === undefined)) {
    io.out(HELP);
    return EXIT.ok;
  }
  if (first === "--version") {
    io.out(version());
    return EXIT.ok;
  }
  if (first === "help") {
    // "help keys" and "help keys list" answer like "keys --help" and "keys list --help".
    return undefined;
  }
  if (first.startsWith("-")) {
    const guess = closest(first, ["--help", "--version"]);
    throw new CliError(
      `unknown option ${first}${guess ? `; did you mean ${guess}?` : ""}`,
      EXIT.usage,
    );
  }
  if (GROUPS[first] && (second === undefined || asksHelp(second))) {
    if (second === undefined) {
      io.err(groupHelp(first));
      return EXIT.usage;
    }
    io.out(groupHelp(first));
    return EXIT.ok;
  }
  return undefined;
}

/** Guards standard input: it can be read once, for one `-`. */
function readOnce(io: Io): Io {
  let used = false;
  return {
    ...io,
    async readStdin() {
      if (used) throw new CliError('Only one argument can be "-" (standard input)', EXIT.usage);
      used = true;
      return io.readStdin();
    },
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(["keys", "list"], processIo());
 * ```
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    const early = topLevel(argv, io);
    if (early !== undefined) return early;
    if (argv[0] === "help") return await main([...argv.slice(1), "--help"], io);
    const { name, rest } = findCommand(argv);
    return await runCommand(name, rest, readOnce(io));
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`tokenmint: ${error.message}`);
      return error.exitCode;
    }
    io.err(`tokenmint: ${(error as Error).message}`);
    return EXIT.refused;
  }
}

/** The standard streams and environment of this process. */
export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}

/** Runs with the process's arguments and sets the exit code. */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processIo());
}
