/**
 * `tokenmint tokens approve|deny`: decide a token waiting for its organization's approval
 * (service clients; deny revokes it). `tokens list --org ORG --state pending` shows the queue.
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
import { printJson } from "../output.js";

/** approve and deny: the same call to a different action. */
function decisionCommand(action: "approve" | "deny", summary: string, detail: string): Command {
  const done = action === "approve" ? "approved" : "denied";
  return {
    summary,
    help: `Usage: tokenmint tokens ${action} <id> [--reason TEXT] [options]

${detail}

Options:
  --reason TEXT           recorded in the audit stream and shown with the token
${ISSUER_HELP}
${JSON_HELP}`,
    options: { ...ISSUER_OPTIONS, ...JSON_OPTION, reason: { type: "string" } },
    positionals: [1, 1],
    async run(values, [id = ""], io) {
      const reason = stringValue(values, "reason");
      const view = await callIssuer(
        await targetOf(values, io),
        "POST",
        `/v1/tokens/${encodeURIComponent(id)}/${action}`,
        { auth: "client", json: reason === undefined ? {} : { reason } },
      );
      if (values.json) printJson(view, io);
      else io.out(`${done} ${id}`);
      return EXIT.ok;
    },
  };
}

/** `tokenmint tokens approve` (see its `help`). */
export const tokensApprove = decisionCommand(
  "approve",
  "approve a token waiting for its org's approval",
  "Approves a pending token of an organization that requires approval (POST\n/v1/tokens/{id}/approve, service clients): it works from now on. Refused (409\ntoken_not_pending) unless it is pending.",
);

/** `tokenmint tokens deny` (see its `help`). */
export const tokensDeny = decisionCommand(
  "deny",
  "deny a token waiting for approval (revokes it)",
  "Denies a pending token (POST /v1/tokens/{id}/deny, service clients): it is revoked. Refused\n(409 token_not_pending) unless it is pending.",
);
