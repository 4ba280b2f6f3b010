/**
 * `tokenmint keys generate|list|rotate|revoke`: a new KEK printed locally, and the issuer's
 * signing-key admin endpoints (`/v1/keys…`, admin service clients).
 * @module
 */
import { randomBytes } from "node:crypto";
import { type Command, ISSUER_HELP, ISSUER_OPTIONS, stringValue, targetOf } from "../command.js";
import { CliError, callIssuer } from "../issuer-client.js";

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

const time = (iso: string | null) => (iso === null ? "-" : iso.slice(0, 19).replace("T", " "));

/** Prints the keyring as a table. */
function printKeyring(keyring: KeyringView, out: (line: string) => void): void {
  const rows = [
    ["KID", "ALG", "STATE", "CREATED", "ACTIVATED", "RETIRED/REVOKED", "UNPUBLISH"],
    ...keyring.keys.map((key) => [
      key.kid,
      key.alg,
      key.state,
      time(key.created_at),
      time(key.activated_at),
      time(key.revoked_at ?? key.retired_at),
      time(key.unpublish_at),
    ]),
  ];
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  for (const row of rows) {
    out(
      row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join("  ")
        .trimEnd(),
    );
  }
  out(`next scheduled rotation: ${keyring.rotation.next_rotation_at ?? "off"}`);
}

export const keysGenerate: Command = {
  help: `Usage: tokenmint keys generate

Prints a new key-encryption key for TOKENMINT_KEK (32 random bytes, base64url) on standard
output. Nothing is sent anywhere. To rotate the KEK, put the new one first
(TOKENMINT_KEK=<new>,<old>) and follow the README's key rotation runbook.`,
  options: {},
  positionals: [0, 0],
  async run(_values, _positionals, io) {
    io.out(randomBytes(32).toString("base64url"));
    return 0;
  },
};

export const keysList: Command = {
  help: `Usage: tokenmint keys list [options]

Lists the issuer's signing keys (GET /v1/keys): state, algorithm and times. Needs an admin
service client (TOKENMINT_ADMIN_CLIENTS).

Options:
${ISSUER_HELP}
  --json                  print the issuer's JSON answer`,
  options: { ...ISSUER_OPTIONS, json: { type: "boolean" } },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const keyring = (await callIssuer(targetOf(values, io), "GET", "/v1/keys", {
      auth: "client",
    })) as KeyringView;
    if (values.json) io.out(JSON.stringify(keyring, null, 2));
    else printKeyring(keyring, io.out);
    return 0;
  },
};

export const keysRotate: Command = {
  help: `Usage: tokenmint keys rotate [options]

Makes the published next key the signing key now (POST /v1/keys/rotate); the old one is retired
and stays published until the last token it signed has expired. Refused (409) while the next key
has been published for less than TOKENMINT_KEY_PREPUBLICATION, unless --force.

Options:
${ISSUER_HELP}
  --force                 rotate even if verifiers may not have fetched the next key yet
  --reason TEXT           recorded in the audit stream
  --json                  print the issuer's JSON answer`,
  options: {
    ...ISSUER_OPTIONS,
    force: { type: "boolean" },
    reason: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: [0, 0],
  async run(values, _positionals, io) {
    const reason = stringValue(values, "reason");
    const keyring = (await callIssuer(targetOf(values, io), "POST", "/v1/keys/rotate", {
      auth: "client",
      json: { ...(values.force ? { force: true } : {}), ...(reason ? { reason } : {}) },
    })) as KeyringView;
    if (values.json) io.out(JSON.stringify(keyring, null, 2));
    else {
      const active = keyring.keys.find((key) => key.state === "active");
      io.out(`rotated: ${active?.kid ?? "?"} signs from now on`);
      printKeyring(keyring, io.out);
    }
    return 0;
  },
};

export const keysRevoke: Command = {
  help: `Usage: tokenmint keys revoke <kid> --yes [options]

Revokes a signing key (POST /v1/keys/{kid}/revoke): it leaves the JWKS at once and every token it
signed stops verifying. For a compromised key. Asks for --yes.

Options:
${ISSUER_HELP}
  --yes                   confirm
  --reason TEXT           recorded in the audit stream
  --json                  print the issuer's JSON answer`,
  options: {
    ...ISSUER_OPTIONS,
    yes: { type: "boolean" },
    reason: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: [1, 1],
  async run(values, [kid], io) {
    if (!values.yes) {
      throw new CliError(
        `Revoking ${kid} kills every token it signed; run again with --yes to confirm`,
        2,
      );
    }
    const reason = stringValue(values, "reason");
    const keyring = (await callIssuer(
      targetOf(values, io),
      "POST",
      `/v1/keys/${encodeURIComponent(kid ?? "")}/revoke`,
      { auth: "client", json: reason ? { reason } : {} },
    )) as KeyringView;
    if (values.json) io.out(JSON.stringify(keyring, null, 2));
    else {
      io.out(`revoked: ${kid}`);
      printKeyring(keyring, io.out);
    }
    return 0;
  },
};
