/**
 * The `tokenmint` command line: dispatches to a command, parses its flags with `node:util`
 * `parseArgs` (unknown flags are errors), prints `--help`, and maps failures to exit codes:
 * 0 success, 1 the operation failed (an HTTP error, an invalid token), 2 a usage error.
 *
 * @example
 * ```sh
 * tokenmint keys list --issuer https://tokens.example.com
 * tokenmint inspect - < token.txt
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import type { Command, Io } from "./command.js";
import { inspect } from "./commands/inspect.js";
import { keysGenerate, keysList, keysRevoke, keysRotate } from "./commands/keys.js";
import { mint, revoke } from "./commands/mint-and-revoke.js";
import { CliError } from "./issuer-client.js";

const COMMANDS: Readonly<Record<string, Command>> = {
  "keys generate": keysGenerate,
  "keys list": keysList,
  "keys rotate": keysRotate,
  "keys revoke": keysRevoke,
  mint,
  inspect,
  revoke,
};

export const HELP = `Usage: tokenmint <command> [options]

Commands:
  keys generate         print a new key-encryption key (TOKENMINT_KEK)
  keys list             list the issuer's signing keys
  keys rotate           make the next signing key active now
  keys revoke <kid>     revoke a compromised signing key
  mint                  mint a token and print it once
  inspect <token|->     decode and verify a token, explaining every check
  revoke <token|->      revoke a token (or --id ID as a service client)

Run "tokenmint <command> --help" for a command's options. Environment: TOKENMINT_ISSUER,
TOKENMINT_CLIENT_ID, TOKENMINT_CLIENT_SECRET, TOKENMINT_TOKEN.
Exit codes: 0 success, 1 failure, 2 usage error.`;

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const two = `${argv[0]} ${argv[1]}`;
  if (COMMANDS[two]) return { command: COMMANDS[two], rest: argv.slice(2) };
  const one = argv[0] === undefined ? undefined : COMMANDS[argv[0]];
  return one ? { command: one, rest: argv.slice(1) } : undefined;
}

/**
 * Key ids and token ids are base64url, so one in 64 starts with "-", and `parseArgs` would read
 * `-LYDQ…` as a bundle of short flags. The CLI's only short flag is `-h` and `-` alone means
 * stdin, so an argument of a single dash and two or more characters is always a value: the value
 * of the string option before it (`--id -x1` becomes `--id=-x1`), or else a positional (moved
 * after `--`; every command takes at most one).
 */
function dashIdsAsValues(args: readonly string[], options: Command["options"]): string[] {
  const out: string[] = [];
  const positionals: string[] = [];
  for (const [i, arg] of args.entries()) {
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!/^-[^-]./.test(arg)) {
      out.push(arg);
      continue;
    }
    const previous = out.at(-1);
    const name = previous?.startsWith("--") && !previous.includes("=") ? previous.slice(2) : "";
    if (options[name]?.type === "string") out[out.length - 1] = `${previous}=${arg}`;
    else positionals.push(arg);
  }
  return positionals.length > 0 ? [...out, "--", ...positionals] : out;
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.out(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`tokenmint: unknown command "${argv.slice(0, 2).join(" ")}"\n\n${HELP}`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const { values, positionals } = parseArgs({
      args: dashIdsAsValues(rest, command.options),
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(command.help);
      return 0;
    }
    const [min, max] = command.positionals;
    if (positionals.length < min || positionals.length > max) {
      throw new CliError(`wrong number of arguments\n\n${command.help}`, 2);
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`tokenmint: ${error.message}`);
      return error.exitCode;
    }
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`tokenmint: ${(error as Error).message}\n\n${command.help}`);
      return 2;
    }
    io.err(`tokenmint: ${(error as Error).message}`);
    return 1;
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
