/**
 * `tokenmint mint` (POST /v1/tokens) and `tokenmint revoke` (RFC 7009 with the token itself, or
 * DELETE /v1/tokens/{id} as a service client).
 * @module
 */
import { parseDurationSeconds } from "../../config/duration.js";
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  stringValue,
  targetOf,
  tokenArgument,
  type Values,
} from "../command.js";
import { CliError, callIssuer } from "../issuer-client.js";

const csv = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "");

function expiryOf(values: Values): Record<string, unknown> {
  const given = ["expires-in", "expires-at", "no-expiry"].filter((name) => values[name]);
  if (given.length > 1)
    throw new CliError("Give one of --expires-in, --expires-at, --no-expiry", 2);
  const expiresIn = stringValue(values, "expires-in");
  if (expiresIn !== undefined) {
    const seconds = parseDurationSeconds(expiresIn);
    if (seconds === undefined) throw new CliError("--expires-in: seconds, or 15m, 12h, 30d…", 2);
    return { expires_in: seconds };
  }
  const expiresAt = stringValue(values, "expires-at");
  if (expiresAt !== undefined) return { expires_at: expiresAt };
  return values["no-expiry"] ? { expires_at: null } : {};
}

function permissionsOf(values: Values): Record<string, unknown> {
  const raw = stringValue(values, "permissions");
  if (raw === undefined) return {};
  try {
    return { permissions: JSON.parse(raw) as unknown };
  } catch {
    throw new CliError('--permissions: JSON, e.g. {"read_project":["gid://gitlab/Project/42"]}', 2);
  }
}

export const mint: Command = {
  help: `Usage: tokenmint mint --name NAME --scope S1,S2 [--subject SUBJECT] [options]

Mints a token (POST /v1/tokens) and prints it alone on standard output (details on standard
error), so that it can be captured: TOKEN=$(tokenmint mint …). The token is shown only once.
As a service client it mints for --subject; with --token (a token carrying manage_tokens) it mints
a narrower token for that token's own subject.

Options:
  --subject SUBJECT       whom the token acts for (service clients)
  --name NAME             its name (1-100 characters)
  --scope LIST            comma-separated scopes
  --description TEXT
  --org ORG               confine it to an organization
  --audience LIST         comma-separated audiences (a subset of the issuer's)
  --permissions JSON      fine-grained narrowing, permission -> resource ids
  --expires-in DURATION   seconds, or 15m, 12h, 30d…
  --expires-at TIME       RFC 3339
  --no-expiry             never expires (where the policy allows it)
  --token TOKEN           mint as this user token (default $TOKENMINT_TOKEN) instead of a client
  --json                  print the whole answer as JSON on standard output
${ISSUER_HELP}`,
  options: {
    ...ISSUER_OPTIONS,
    subject: { type: "string" },
    name: { type: "string" },
    scope: { type: "string" },
    description: { type: "string" },
    org: { type: "string" },
    audience: { type: "string" },
    permissions: { type: "string" },
    "expires-in": { type: "string" },
    "expires-at": { type: "string" },
    "no-expiry": { type: "boolean" },
    token: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const name = stringValue(values, "name");
    const scope = csv(stringValue(values, "scope"));
    if (!name || !scope?.length) throw new CliError("--name and --scope are required", 2);
    const target = targetOf(values, io);
    const subject = stringValue(values, "subject");
    if (!subject && !target.token) throw new CliError("--subject is required for a client", 2);
    const audience = csv(stringValue(values, "audience"));
    const description = stringValue(values, "description");
    const org = stringValue(values, "org");
    const answer = (await callIssuer(target, "POST", "/v1/tokens", {
      auth: "client-or-token",
      json: {
        ...(subject ? { subject } : {}),
        name,
        scope,
        ...(description ? { description } : {}),
        ...(org ? { org } : {}),
        ...(audience ? { audience } : {}),
        ...permissionsOf(values),
        ...expiryOf(values),
      },
    })) as { id: string; token: string; expires_at: string | null; scope: string[] };
    if (values.json) {
      io.out(JSON.stringify(answer, null, 2));
      return 0;
    }
    io.out(answer.token);
    io.err(
      `minted ${answer.id} (${answer.scope.join(" ")}), expires ${answer.expires_at ?? "never"}; the token above is shown only once`,
    );
    return 0;
  },
};

export const revoke: Command = {
  help: `Usage: tokenmint revoke <token | ->     (RFC 7009: the token itself is the credential)
       tokenmint revoke --id ID [options]   (a service client revokes by id)

Revokes a token. Give the token as "-" to read it from standard input (keeps it out of the shell
history). Revoking an unknown or invalid token also succeeds (RFC 7009), so the exit code says
only that the issuer answered.

Options:
  --id ID                 revoke by id (DELETE /v1/tokens/{id}) with client credentials
${ISSUER_HELP}`,
  options: { ...ISSUER_OPTIONS, id: { type: "string" } },
  positionals: [0, 1],
  async run(values, positionals, io) {
    const target = targetOf(values, io);
    const id = stringValue(values, "id");
    const [argument] = positionals;
    if ((id === undefined) === (argument === undefined)) {
      throw new CliError("Give a token (or -) or --id, not both", 2);
    }
    if (id !== undefined) {
      await callIssuer(target, "DELETE", `/v1/tokens/${encodeURIComponent(id)}`, {
        auth: "client",
      });
      io.out(`revoked ${id}`);
      return 0;
    }
    const token = await tokenArgument(argument as string, io);
    await callIssuer(target, "POST", "/v1/revoke", { auth: "none", form: { token } });
    io.out("revoked (or it was not a live token of this issuer)");
    return 0;
  },
};
