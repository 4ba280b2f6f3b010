/**
 * `tokenmint tokens suspend|resume|revoke|revoke-all`: a token's state in the status list
 * (suspended is status 2 and reversible; revoked is status 1 and final).
 * @module
 */
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  JSON_HELP,
  JSON_OPTION,
  stringValue,
  TOKEN_HELP,
  TOKEN_OPTIONS,
  targetOf,
} from "../command.js";
import { CliError, callIssuer, EXIT } from "../issuer-client.js";
import { printJson } from "../output.js";

const tokenPath = (id: string) => `/v1/tokens/${encodeURIComponent(id)}`;

/** suspend and resume: the same call to a different action. */
function stateCommand(action: "suspend" | "resume", summary: string, detail: string): Command {
  const done = action === "suspend" ? "suspended" : "resumed";
  return {
    summary,
    help: `Usage: tokenmint tokens ${action} <id> [options]

${detail}

Options:
${TOKEN_HELP}
${JSON_HELP}`,
    options: { ...TOKEN_OPTIONS, ...JSON_OPTION },
    positionals: [1, 1],
    async run(values, [id = ""], io) {
      const view = await callIssuer(
        await targetOf(values, io),
        "POST",
        `${tokenPath(id)}/${action}`,
        { auth: "client-or-token" },
      );
      if (values.json) printJson(view, io);
      else io.out(`${done} ${id}`);
      return EXIT.ok;
    },
  };
}

/** `tokenmint tokens suspend` (see its `help`). */
export const tokensSuspend = stateCommand(
  "suspend",
  "suspend a token (reversible)",
  "Suspends an active token (POST /v1/tokens/{id}/suspend): verifiers refuse it until it is\nresumed. Refused (409 invalid_state) unless it is active.",
);

/** `tokenmint tokens resume` (see its `help`). */
export const tokensResume = stateCommand(
  "resume",
  "resume a suspended token",
  "Makes a suspended token active again (POST /v1/tokens/{id}/resume). Refused (409\ninvalid_state) unless it is suspended.",
);

/** `tokenmint tokens revoke` (see its `help`). */
export const tokensRevoke: Command = {
  summary: "revoke a token by id (final)",
  help: `Usage: tokenmint tokens revoke <id | self> [options]

Revokes a token for good (DELETE /v1/tokens/{id}); revoking a revoked token succeeds too. "self"
revokes the token given with --token. To revoke by the token string instead (RFC 7009, no
credentials needed), use "tokenmint revoke <token | ->".

Options:
${TOKEN_HELP}`,
  options: TOKEN_OPTIONS,
  positionals: [1, 1],
  async run(values, [id = ""], io) {
    await callIssuer(await targetOf(values, io), "DELETE", tokenPath(id), {
      auth: "client-or-token",
    });
    io.out(`revoked ${id}`);
    return EXIT.ok;
  },
};

/** `tokenmint tokens revoke-all` (see its `help`). */
export const tokensRevokeAll: Command = {
  summary: "revoke every token of a subject, org or family (--yes)",
  help: `Usage: tokenmint tokens revoke-all (--subject S | --org O | --family F) --yes [options]

Mass revocation (POST /v1/tokens/revoke-all), for service clients: every live token of one
subject, one organization, or one rotation family. Asks for --yes.

Options:
  --subject SUBJECT | --org ORG | --family ID   exactly one
  --reason TEXT           recorded in the audit stream
  --yes                   confirm
${ISSUER_HELP}
${JSON_HELP}`,
  options: {
    ...ISSUER_OPTIONS,
    ...JSON_OPTION,
    subject: { type: "string" },
    org: { type: "string" },
    family: { type: "string" },
    reason: { type: "string" },
    yes: { type: "boolean" },
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const chosen = (["subject", "org", "family"] as const).filter((name) => values[name]);
    const [which] = chosen;
    if (chosen.length !== 1 || which === undefined) {
      throw new CliError("Give exactly one of --subject, --org, --family", EXIT.usage);
    }
    if (!values.yes) {
      throw new CliError(
        `This revokes every token of ${which} ${values[which]}; run again with --yes to confirm`,
        EXIT.usage,
      );
    }
    const reason = stringValue(values, "reason");
    const answer = (await callIssuer(await targetOf(values, io), "POST", "/v1/tokens/revoke-all", {
      auth: "client",
      json: { [which]: values[which], ...(reason ? { reason } : {}) },
    })) as { revoked: number };
    if (values.json) printJson(answer, io);
    else io.out(`revoked ${answer.revoked} token(s) of ${which} ${values[which]}`);
    return EXIT.ok;
  },
};
