/**
 * `tokenmint tokens create|rotate|update`: the calls that issue a token (POST /v1/tokens,
 * POST /v1/tokens/{id}/rotate, PATCH /v1/tokens/{id} when it changes what is signed).
 * @module
 */
import {
  type Command,
  JSON_HELP,
  JSON_OPTION,
  listValue,
  stringValue,
  TOKEN_HELP,
  TOKEN_OPTIONS,
  targetOf,
} from "../command.js";
import { CliError, callIssuer, EXIT } from "../issuer-client.js";
import { printFields, printJson } from "../output.js";
import {
  BODY_HELP,
  bodyOf,
  defined,
  EXPIRY_HELP,
  EXPIRY_OPTIONS,
  expiryOf,
  type IssuedAnswer,
  permissionsOf,
  printIssued,
} from "./token-body.js";

const CLAIM_OPTIONS = {
  scope: { type: "string" },
  audience: { type: "string" },
  permissions: { type: "string" },
  "allowed-ips": { type: "string" },
  ...EXPIRY_OPTIONS,
} as const;

const CLAIM_HELP = `  --scope LIST            comma-separated scopes
  --audience LIST         comma-separated audiences (a subset of the issuer's)
  --permissions JSON      fine-grained narrowing, permission -> resource ids
  --allowed-ips LIST      comma-separated addresses or CIDR ranges it may be used from
${EXPIRY_HELP}`;

const tokenPath = (id: string) => `/v1/tokens/${encodeURIComponent(id)}`;

/** `tokenmint tokens create` (see its `help`). */
export const tokensCreate: Command = {
  summary: "mint a token and print it once (alias: mint)",
  help: `Usage: tokenmint tokens create --name NAME --scope S1,S2 [--subject SUBJECT] [options]
       tokenmint mint …   (the same command)

Mints a token (POST /v1/tokens) and prints it alone on standard output (details on standard
error), so that it can be captured: TOKEN=$(tokenmint tokens create …). The token is shown only
once. As a service client it mints for --subject; with --token (a token carrying manage_tokens) it
mints a narrower token for that token's own subject.

Options:
  --subject SUBJECT       whom the token acts for (service clients)
  --name NAME             its name (1-100 characters)
  --description TEXT
  --org ORG               confine it to an organization
  --approved              service clients: mint it already approved, where the org requires approval
${CLAIM_HELP}
${BODY_HELP}
${TOKEN_HELP}
  --json                  print the whole answer as JSON on standard output`,
  options: {
    ...TOKEN_OPTIONS,
    ...JSON_OPTION,
    ...CLAIM_OPTIONS,
    subject: { type: "string" },
    name: { type: "string" },
    description: { type: "string" },
    org: { type: "string" },
    approved: { type: "boolean" },
    body: { type: "string" },
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const body: Record<string, unknown> = {
      ...(await bodyOf(values, io)),
      ...defined({
        subject: stringValue(values, "subject"),
        name: stringValue(values, "name"),
        description: stringValue(values, "description"),
        scope: listValue(values, "scope"),
        org: stringValue(values, "org"),
        audience: listValue(values, "audience"),
        allowed_ips: listValue(values, "allowed-ips"),
      }),
      ...permissionsOf(values),
      ...expiryOf(values),
      ...(values.approved ? { approved: true } : {}),
    };
    if (!body.name || !(body.scope as unknown[] | undefined)?.length) {
      throw new CliError("--name and --scope are required", EXIT.usage);
    }
    const target = await targetOf(values, io);
    if (!body.subject && !target.token) {
      throw new CliError("--subject is required for a client", EXIT.usage);
    }
    const answer = (await callIssuer(target, "POST", "/v1/tokens", {
      auth: "client-or-token",
      json: body,
    })) as IssuedAnswer;
    if (values.json) printJson(answer, io);
    else printIssued(answer, io);
    return EXIT.ok;
  },
};

/** `tokenmint tokens rotate` (see its `help`). */
export const tokensRotate: Command = {
  summary: "replace a token with a new one in its family; the old one dies",
  help: `Usage: tokenmint tokens rotate <id | self> [options]

Rotates a token (POST /v1/tokens/{id}/rotate): a new token with the same grants replaces it, and
the old one stops working at once. Prints the new token alone on standard output. "self" rotates
the token given with --token (or $TOKENMINT_TOKEN).

Options:
${EXPIRY_HELP}
${BODY_HELP}
${TOKEN_HELP}
${JSON_HELP}`,
  options: { ...TOKEN_OPTIONS, ...JSON_OPTION, ...EXPIRY_OPTIONS, body: { type: "string" } },
  positionals: [1, 1],
  async run(values, [id = ""], io) {
    const body = { ...(await bodyOf(values, io)), ...expiryOf(values) };
    const answer = (await callIssuer(
      await targetOf(values, io),
      "POST",
      `${tokenPath(id)}/rotate`,
      {
        auth: "client-or-token",
        json: body,
      },
    )) as IssuedAnswer;
    if (values.json) printJson(answer, io);
    else printIssued(answer, io);
    return EXIT.ok;
  },
};

/** `tokenmint tokens update` (see its `help`). */
export const tokensUpdate: Command = {
  summary: "rename or describe a token; other changes rotate it",
  help: `Usage: tokenmint tokens update <id> [options]

Changes a token (PATCH /v1/tokens/{id}). --name and --description change it in place and print
it. --scope, --audience, --permissions, --allowed-ips and the expiry cannot change a signed
token: it rotates, and the new token is printed alone on standard output (shown only once).

Options:
  --name NAME             a new name
  --description TEXT      a new description
  --no-description        remove the description
${CLAIM_HELP}
${BODY_HELP}
${TOKEN_HELP}
${JSON_HELP}`,
  options: {
    ...TOKEN_OPTIONS,
    ...JSON_OPTION,
    ...CLAIM_OPTIONS,
    name: { type: "string" },
    description: { type: "string" },
    "no-description": { type: "boolean" },
    body: { type: "string" },
  },
  positionals: [1, 1],
  async run(values, [id = ""], io) {
    const body = {
      ...(await bodyOf(values, io)),
      ...defined({
        name: stringValue(values, "name"),
        description: values["no-description"] ? null : stringValue(values, "description"),
        scope: listValue(values, "scope"),
        audience: listValue(values, "audience"),
        allowed_ips: listValue(values, "allowed-ips"),
      }),
      ...permissionsOf(values),
      ...expiryOf(values),
    };
    if (Object.keys(body).length === 0) throw new CliError("Nothing to change", EXIT.usage);
    const answer = (await callIssuer(await targetOf(values, io), "PATCH", tokenPath(id), {
      auth: "client-or-token",
      json: body,
    })) as { rotated: boolean } & IssuedAnswer;
    if (values.json) printJson(answer, io);
    else if (answer.rotated) printIssued(answer, io);
    else {
      const { rotated: _, ...view } = answer;
      printFields(view, io.out);
    }
    return EXIT.ok;
  },
};
