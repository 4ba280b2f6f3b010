/**
 * `tokenmint keys generate|list|rotate|revoke`: a new KEK printed locally, and the issuer's
 * signing-key admin endpoints (`/v1/keys…`, admin service clients).
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  type Command,
  ISSUER_HELP,
  ISSUER_OPTIONS,
  JSON_HELP,
  JSON_OPTION,
  stringValue,
  targetOf,
} from "../command.js";
import { CliError, callIssuer, EXIT } from "../issuer-client.js";
import { printJson, printTable, shortTime } from "../output.js";

interface KeyView {
  kid: string;
  alg: string;
  state: string;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  revoked_at: string | null;
  unpublish_at: string | null;
}

interface KeyringView {
  keys: KeyView[];
  rotation: { next_rotation_at: string | null };
}

/** Prints the keyring as a table. */
function printKeyring(keyring: KeyringView, out: (line: string) => void): void {
  printTable(
    [
      ["KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRED/REVOKED", "UNPUBLISH"],
      ...keyring.keys.map((key) => [
        key.kid,
        key.alg,
        key.state,
        shortTime(key.created_at),
        shortTime(key.activated_at),
        shortTime(key.revoked_at ?? key.retired_at),
        shortTime(key.unpublish_at),
      ]),
    ],
    out,
  );
  out(`next scheduled rotation: ${keyring.rotation.next_rotation_at ?? "off"}`);
}

const ADMIN_OPTIONS = { ...ISSUER_OPTIONS, ...JSON_OPTION } as const;

/** `tokenmint keys generate` (see its `help`). */
export const keysGenerate: Command = {
  summary: "print a new key-encryption key (TOKENMINT_KEK)",
  help: `Usage: tokenmint keys generate

Prints a new key-encryption key for TOKENMINT_KEK (32 random bytes, base64url) on standard
output. Nothing is sent anywhere. To rotate the KEK, put the new one first
(TOKENMINT_KEK=<new>,<old>) and follow the README's key rotation runbook.`,
  options: {},
  positionals: [0, 0],
  async run(_values, _positionals, io) {
    io.out(randomBytes(32).toString("base64url"));
    return EXIT.ok;
  },
};

/** `tokenmint keys list` (see its `help`). */
export const keysList: Command = {
  summary: "list the issuer's signing keys",
  help: `Usage: tokenmint keys list [options]

Lists the issuer's signing keys (GET /v1/keys): state, algorithm and times. Needs an admin
service client (TOKENMINT_ADMIN_CLIENTS).

Options:
${ISSUER_HELP}
${JSON_HELP}`,
  options: ADMIN_OPTIONS,
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const keyring = (await callIssuer(await targetOf(values, io), "GET", "/v1/keys", {
      auth: "client",
    })) as KeyringView;
    if (values.json) printJson(keyring, io);
    else printKeyring(keyring, io.out);
    return EXIT.ok;
  },
};

/** `tokenmint keys rotate` (see its `help`). */
export const keysRotate: Command = {
  summary: "make the next signing key active now",
  help: `Usage: tokenmint keys rotate [options]

Makes the published next key the signing key now (POST /v1/keys/rotate); the old one is retired
and stays published until the last token it signed has expired. Refused (409) while the next key
has been published for less than TOKENMINT_KEY_PREPUBLICATION, unless --force.

Options:
  --force                 rotate even if verifiers may not have fetched the next key yet
  --reason TEXT           recorded in the audit stream
${ISSUER_HELP}
${JSON_HELP}`,
  options: { ...ADMIN_OPTIONS, force: { type: "boolean" }, reason: { type: "string" } },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const reason = stringValue(values, "reason");
    const keyring = (await callIssuer(await targetOf(values, io), "POST", "/v1/keys/rotate", {
      auth: "client",
      json: { ...(values.force ? { force: true } : {}), ...(reason ? { reason } : {}) },
    })) as KeyringView;
    if (values.json) printJson(keyring, io);
    else {
      const active = keyring.keys.find((key) => key.state === "active");
      io.out(`rotated: ${active?.kid ?? "?"} signs from now on`);
      printKeyring(keyring, io.out);
    }
    return EXIT.ok;
  },
};

/** `tokenmint keys revoke` (see its `help`). */
export const keysRevoke: Command = {
  summary: "revoke a compromised signing key (--yes)",
  help: `Usage: tokenmint keys revoke <kid> --yes [options]

Revokes a signing key (POST /v1/keys/{kid}/revoke): it leaves the JWKS at once and every token it
signed stops verifying. For a compromised key. Asks for --yes.

Options:
  --yes                   confirm
  --reason TEXT           recorded in the audit stream
${ISSUER_HELP}
${JSON_HELP}`,
  options: { ...ADMIN_OPTIONS, yes: { type: "boolean" }, reason: { type: "string" } },
  positionals: [1, 1],
  async run(values, [kid = ""], io) {
    if (!values.yes) {
      throw new CliError(
        `Revoking ${kid} kills every token it signed; run again with --yes to confirm`,
        EXIT.usage,
      );
    }
    const reason = stringValue(values, "reason");
    const keyring = (await callIssuer(
      await targetOf(values, io),
      "POST",
      `/v1/keys/${encodeURIComponent(kid)}/revoke`,
      { auth: "client", json: reason ? { reason } : {} },
    )) as KeyringView;
    if (values.json) printJson(keyring, io);
    else {
      io.out(`revoked: ${kid}`);
      printKeyring(keyring, io.out);
    }
    return EXIT.ok;
  },
};
