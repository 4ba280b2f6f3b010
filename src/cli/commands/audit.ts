/**
 * `tokenmint audit`: the audit stream (GET /v1/audit, service clients), newest first, filtered
 * and paginated.
 * @module
 */
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  JSON_HELP,
  JSON_OPTION,
  stringValue,
  targetOf,
} from "../command.js";
import { callIssuer, EXIT } from "../issuer-client.js";
import { printJson, printTable, shortTime } from "../output.js";

interface AuditPage {
  events: {
    time: string;
    type: string;
    actor: string;
    sub?: string;
    org?: string;
    jti?: string;
    reason?: string;
  }[];
  next_cursor: string | null;
}

const FILTERS = ["subject", "org", "type", "limit", "cursor"] as const;

/** `tokenmint audit` (see its `help`). */
export const audit: Command = {
  summary: "read the audit stream, newest first",
  help: `Usage: tokenmint audit [--subject S] [--org O] [--type T] [--limit N] [--cursor C] [options]

Reads the audit stream (GET /v1/audit, service clients): who minted, rotated, suspended or
revoked what, and when. Newest first; when there is more, the next page's --cursor is printed on
standard error.

Options:
  --subject SUBJECT       only events about this subject
  --org ORG               only events about this organization
  --type TYPE             only this event type (token.minted, token.revoked, org.moved…)
  --limit N               at most N events (1-500, default 100)
  --cursor CURSOR         continue after this event id
${ISSUER_HELP}
${JSON_HELP}`,
  options: {
    ...ISSUER_OPTIONS,
    ...JSON_OPTION,
    ...Object.fromEntries(FILTERS.map((name) => [name, { type: "string" } as const])),
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = stringValue(values, name);
      if (value !== undefined) query.set(name, value);
    }
    const page = (await callIssuer(
      await targetOf(values, io),
      "GET",
      `/v1/audit${query.size ? `?${query}` : ""}`,
      { auth: "client" },
    )) as AuditPage;
    if (values.json) {
      printJson(page, io);
      return EXIT.ok;
    }
    printTable(
      [
        ["TIME", "TYPE", "ACTOR", "SUBJECT", "TOKEN", "REASON"],
        ...page.events.map((event) => [
          shortTime(event.time),
          event.type,
          event.actor,
          event.sub ?? "-",
          event.jti ?? "-",
          event.reason ?? "-",
        ]),
      ],
      io.out,
    );
    if (page.next_cursor) io.err(`more: --cursor ${page.next_cursor}`);
    return EXIT.ok;
  },
};
