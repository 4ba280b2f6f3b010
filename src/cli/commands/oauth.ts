/**
 * `tokenmint introspect` (RFC 7662, service clients) and `tokenmint revoke` (RFC 7009 with the
 * token itself, or by id as a service client).
 * @module
 */
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  JSON_OPTION,
  stringValue,
  targetOf,
  tokenArgument,
} from "../command.js";
import { CliError, callIssuer, EXIT } from "../issuer-client.js";
import { printFields, printJson } from "../output.js";

/** `tokenmint introspect` (see its `help`). */
export const introspect: Command = {
  summary: "ask the issuer whether a token is active (RFC 7662)",
  help: `Usage: tokenmint introspect <token | -> [options]

Asks the issuer about a token (POST /v1/introspect, service clients): exact and online, so a
revocation or suspension shows at once. Prints "active" and its claims and exits 0, or prints
"inactive" and exits 1. Give "-" to read the token from standard input.

Options:
${ISSUER_HELP}
  --json                  print only the issuer's answer ({"active":…}) on standard output`,
  options: { ...ISSUER_OPTIONS, ...JSON_OPTION },
  positionals: [1, 1],
  async run(values, [argument = ""], io) {
    const token = await tokenArgument(argument, io);
    const answer = (await callIssuer(await targetOf(values, io), "POST", "/v1/introspect", {
      auth: "client",
      form: { token },
    })) as { active: boolean } & Record<string, unknown>;
    if (values.json) printJson(answer, io);
    else {
      const { active, ...claims } = answer;
      io.out(active ? "active" : "inactive");
      if (active) printFields(claims, io.out);
    }
    return answer.active ? EXIT.ok : EXIT.refused;
  },
};

/** `tokenmint revoke` (see its `help`). */
export const revoke: Command = {
  summary: "revoke a token by its value (RFC 7009), or --id ID",
  help: `Usage: tokenmint revoke <token | ->     (RFC 7009: the token itself is the credential)
       tokenmint revoke --id ID [options]   (a service client revokes by id: tokens revoke ID)

Revokes a token. Give the token as "-" to read it from standard input (keeps it out of the shell
history). Revoking an unknown or invalid token also succeeds (RFC 7009), so the exit code says
only that the issuer answered.

Options:
  --id ID                 revoke by id (DELETE /v1/tokens/{id}) with client credentials
${ISSUER_HELP}`,
  options: { ...ISSUER_OPTIONS, id: { type: "string" } },
  positionals: [0, 1],
  async run(values, positionals, io) {
    const target = await targetOf(values, io);
    const id = stringValue(values, "id");
    const [argument] = positionals;
    if ((id === undefined) === (argument === undefined)) {
      throw new CliError("Give a token (or -) or --id, not both", EXIT.usage);
    }
    if (id !== undefined) {
      await callIssuer(target, "DELETE", `/v1/tokens/${encodeURIComponent(id)}`, {
        auth: "client",
      });
      io.out(`revoked ${id}`);
      return EXIT.ok;
    }
    const token = await tokenArgument(argument ?? "", io);
    await callIssuer(target, "POST", "/v1/revoke", { auth: "none", form: { token } });
    io.out("revoked (or it was not a live token of this issuer)");
    return EXIT.ok;
  },
};
