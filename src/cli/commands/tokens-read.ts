/**
 * `tokenmint tokens list|show`: a subject's tokens (GET /v1/tokens) and one token
 * (GET /v1/tokens/{id}); never the token strings themselves.
 * @module
 */
import {
  type Command,
  JSON_HELP,
  JSON_OPTION,
  stringValue,
  TOKEN_HELP,
  TOKEN_OPTIONS,
  targetOf,
} from "../command.js";
import { CliError, callIssuer, EXIT } from "../issuer-client.js";
import { printFields, printJson, printTable, shortTime } from "../output.js";

/** The fields of a token the list shows. */
interface TokenRow {
  id: string;
  name: string;
  state: string;
  scope: string[];
  org: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

/** `tokenmint tokens list` (see its `help`). */
export const tokensList: Command = {
  summary: "list a subject's tokens, newest first",
  help: `Usage: tokenmint tokens list --subject SUBJECT | --org ORG [options]   (a service client)
       tokenmint tokens list --token TOKEN | -               (a user: their own tokens)

Lists tokens (GET /v1/tokens): id, name, state, scopes and times; never the tokens themselves.
"--org acme --state pending" lists the tokens waiting for acme's approval.

Options:
  --subject SUBJECT       whose tokens (service clients; a user always sees their own)
  --org ORG               only this organization's (service clients may give it alone)
  --state STATE           only active, pending, suspended, revoked or rotated ones
${TOKEN_HELP}
${JSON_HELP}`,
  options: {
    ...TOKEN_OPTIONS,
    ...JSON_OPTION,
    subject: { type: "string" },
    org: { type: "string" },
    state: { type: "string" },
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const target = await targetOf(values, io);
    const filters = Object.fromEntries(
      (["subject", "org", "state"] as const).flatMap((name) => {
        const value = stringValue(values, name);
        return value === undefined ? [] : [[name, value]];
      }),
    );
    if (!filters.subject && !filters.org && !target.token) {
      throw new CliError("--subject or --org is required for a client", EXIT.usage);
    }
    const query = Object.keys(filters).length > 0 ? `?${new URLSearchParams(filters)}` : "";
    const answer = (await callIssuer(target, "GET", `/v1/tokens${query}`, {
      auth: "client-or-token",
    })) as { tokens: TokenRow[] };
    if (values.json) {
      printJson(answer, io);
      return EXIT.ok;
    }
    printTable(
      [
        ["ID", "NAME", "STATE", "SCOPE", "ORG", "CREATED", "EXPIRES", "LAST USED"],
        ...answer.tokens.map((token) => [
          token.id,
          token.name,
          token.state,
          token.scope.join(","),
          token.org ?? "-",
          shortTime(token.created_at),
          token.expires_at ? shortTime(token.expires_at) : "never",
          shortTime(token.last_used_at),
        ]),
      ],
      io.out,
    );
    return EXIT.ok;
  },
};

/** `tokenmint tokens show` (see its `help`). */
export const tokensShow: Command = {
  summary: "show one token's details",
  help: `Usage: tokenmint tokens show <id | self> [options]

Shows a token's details (GET /v1/tokens/{id}); "self" shows the token given with --token.

Options:
${TOKEN_HELP}
${JSON_HELP}`,
  options: { ...TOKEN_OPTIONS, ...JSON_OPTION },
  positionals: [1, 1],
  async run(values, [id = ""], io) {
    const view = (await callIssuer(
      await targetOf(values, io),
      "GET",
      `/v1/tokens/${encodeURIComponent(id)}`,
      { auth: "client-or-token" },
    )) as Record<string, unknown>;
    if (values.json) printJson(view, io);
    else printFields(view, io.out);
    return EXIT.ok;
  },
};
