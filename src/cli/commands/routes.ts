/**
 * `tokenmint routes list|set`: the org → cell routing map (GET /v1/routes, public) and moving an
 * organization (PUT /v1/routes/{org}, admin service clients).
 * @module
 */
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  JSON_HELP,
  JSON_OPTION,
  targetOf,
} from "../command.js";
import { callIssuer, EXIT } from "../issuer-client.js";
import { printJson, printTable } from "../output.js";

interface RoutesMap {
  version: number;
  default_cell: string | null;
  cells: Record<string, string>;
}

/** `tokenmint routes list` (see its `help`). */
export const routesList: Command = {
  summary: "print the org → cell routing map",
  help: `Usage: tokenmint routes list [options]

Prints the routing map routers cache (GET /v1/routes): each organization's cell, the default
cell, and the map's version. Needs no credentials.

Options:
  --issuer URL            the issuer (default $TOKENMINT_ISSUER, else http://localhost:8080)
${JSON_HELP}`,
  options: { issuer: { type: "string" }, ...JSON_OPTION },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const map = (await callIssuer(await targetOf(values, io), "GET", "/v1/routes", {
      auth: "none",
    })) as RoutesMap;
    if (values.json) {
      printJson(map, io);
      return EXIT.ok;
    }
    printTable([["ORG", "CELL"], ...Object.entries(map.cells).sort()], io.out);
    io.out(`default cell: ${map.default_cell ?? "none"}; version ${map.version}`);
    return EXIT.ok;
  },
};

/** `tokenmint routes set` (see its `help`). */
export const routesSet: Command = {
  summary: "move an organization to another cell",
  help: `Usage: tokenmint routes set <org> <cell> [options]

Moves an organization to a cell (PUT /v1/routes/{org}, admin service clients). Tokens minted from
now on carry the new cell; routers see the change on their next poll.

Options:
${ISSUER_HELP}
${JSON_HELP}`,
  options: { ...ISSUER_OPTIONS, ...JSON_OPTION },
  positionals: [2, 2],
  async run(values, [org = "", cell = ""], io) {
    const answer = (await callIssuer(
      await targetOf(values, io),
      "PUT",
      `/v1/routes/${encodeURIComponent(org)}`,
      { auth: "client", json: { cell } },
    )) as { org: string; cell: string; version: number };
    if (values.json) printJson(answer, io);
    else io.out(`moved ${answer.org} to ${answer.cell} (routes version ${answer.version})`);
    return EXIT.ok;
  },
};
