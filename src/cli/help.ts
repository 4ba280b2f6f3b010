/**
 * The CLI's help texts for the whole command line and for each group, built from the command
 * table, so a new command shows up in them by being added there.
 * @module
 */
import { COMMANDS, GROUPS } from "./commands/index.js";

const ENVIRONMENT = `Environment:
  TOKENMINT_ISSUER         the issuer's URL (default http://localhost:8080)
  TOKENMINT_CLIENT_ID      a service client's id
  TOKENMINT_CLIENT_SECRET  its secret
  TOKENMINT_TOKEN          a user token, for the calls a token holder makes for themselves

Wherever a token or a body is read, "-" reads it from standard input.
Exit codes: 0 success, 1 refused by the issuer or a check failed, 2 usage error,
3 the issuer could not be reached or failed (5xx).`;

function commandList(names: readonly string[]): string {
  const width = Math.max(...names.map((name) => name.length));
  return names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]?.summary}`).join("\n");
}

/** The top-level help. */
export const HELP = `Usage: tokenmint <command> [options]

Commands:
${commandList(Object.keys(COMMANDS))}

Options: --help (also after any command or group), --version.
Run "tokenmint <command> --help" for a command's options.

${ENVIRONMENT}`;

/** The help of one group of commands (`tokenmint keys --help`). */
export function groupHelp(group: string): string {
  const names = Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `));
  return `Usage: tokenmint ${group} <command> [options]

${GROUPS[group]}

Commands:
${commandList(names)}

Run "tokenmint ${group} <command> --help" for a command's options.`;
}
