/**
 * The `tokenmint` CLI as a user runs it: `bin/tokenmint.mjs` in a child process against the real
 * Node server on Redis. Exit codes, `--help`, `--version`, standard input and output as a shell
 * sees them, and the effect of minting, inspecting, revoking and the signing-key commands.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/redis-server.js";
import { type CliIssuer, PLAIN, type RunOptions, startCliIssuer, stdoutJson } from "./harness.js";

describe("the tokenmint CLI", () => {
  let tm: CliIssuer;
  let env: Record<string, string>;
  let issuer: CliIssuer["issuer"];

  beforeAll(async () => {
    tm = await startCliIssuer();
    env = tm.env;
    issuer = tm.issuer;
  });

  afterAll(async () => {
    await tm?.close();
  });

  const cli = (args: string[], options: RunOptions = {}) => tm.run(args, options);

  const mintArgs = ["mint", "--subject", "carol", "--name", "cli", "--scope", "read_api"];

  // Under load a child process takes seconds to start; this test starts few, and waits longer.
  it("behaves as a shell sees it: --version, stdin, stdout only the result, exit codes", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const [shown, minted, badFlag, generated] = await Promise.all([
      tm.spawn(["--version"], { env: {} }),
      tm.spawn([...mintArgs, "--expires-in", "1h"]),
      tm.spawn(["mint", "--bogus"]),
      tm.spawn(["keys", "generate"], { env: {} }),
    ]);
    expect(shown).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(/^tmpat_ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(minted.stderr).toContain("shown only once");
    expect(badFlag).toMatchObject({ code: 2, stdout: "" });
    expect(badFlag.stderr).toMatch(/^tokenmint: unknown option --bogus/);
    expect(badFlag.stderr).not.toContain("ERR_PARSE_ARGS");
    expect(generated.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);

    const inspected = await tm.spawn(["inspect", "-", "--json"], { stdin: minted.stdout });
    expect(inspected.code).toBe(0);
    expect(stdoutJson(inspected)).toMatchObject({ valid: true, claims: { sub: "carol" } });
    expect(inspected.stderr).toMatch(/^ok\s+signature\s/m);
  }, 60_000);

  it("mints, inspects, and revokes through RFC 7009 and by id", async () => {
    const [minted, second] = await Promise.all([cli(mintArgs), cli([...mintArgs, "--json"])]);
    expect(minted.code).toBe(0);
    const token = minted.stdout.trim();
    expect(token).toMatch(/^tmpat_ey[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(minted.stderr).toContain("shown only once");
    const { id } = JSON.parse(second.stdout) as { id: string };

    const [valid, wrongAudience, garbage] = await Promise.all([
      cli(["inspect", token]),
      cli(["inspect", token, "--audience", "https://elsewhere.test"]),
      cli(["inspect", "tmpat_not-a-token"]),
    ]);
    expect(valid.code).toBe(0);
    for (const check of ["format", "algorithm", "key", "signature", "type", "issuer", "time"]) {
      expect(valid.stdout).toMatch(new RegExp(`^ok\\s+${check}\\s`, "m"));
    }
    expect(valid.stdout).toMatch(
      /^ok\s+status\s+entry \d+ of http:\/\/127\.0\.0\.1:\d+\/v1\/status-lists\//m,
    );
    expect(valid.stdout).toContain("VALID: every check passed");
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.stdout).toMatch(/^FAIL\s+audience/m);
    expect(wrongAudience.stdout).toMatch(/^--\s+status/m);
    expect(garbage.code).toBe(1);
    expect(garbage.stdout).toMatch(/^FAIL\s+format/m);

    const revoked = await cli(["revoke", "-"], { stdin: `${token}\n` });
    expect(revoked.code).toBe(0);
    // The status list is fetched fresh by the new process: the revocation shows at once.
    const after = await cli(["inspect", "-"], { stdin: token });
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/^FAIL\s+status/m);
    expect(after.stdout).toContain("token_revoked");

    const byId = await cli(["revoke", "--id", id]);
    expect(byId).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
    const missing = await cli(["revoke", "--id", "nonexistent"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("404 not_found");
    // One token id in 64 starts with "-": it is still the option's value, not a flag.
    const dashId = await cli(["revoke", "--id", "-Xk2nonexistent"]);
    expect(dashId.code).toBe(1);
    expect(dashId.stderr).toContain("404 not_found");
  });

  it("lists, rotates and revokes signing keys as an admin client", async () => {
    const plainEnv = {
      ...env,
      TOKENMINT_CLIENT_ID: PLAIN.id,
      TOKENMINT_CLIENT_SECRET: PLAIN.secret,
    };
    const [list, json, forbidden] = await Promise.all([
      cli(["keys", "list"]),
      cli(["keys", "list", "--json"]),
      cli(["keys", "list"], { env: plainEnv }),
    ]);
    expect(stdoutJson<{ keys: { state: string }[] }>(json).keys.map((k) => k.state)).toContain(
      "active",
    );
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^KID\s+ALG\s+STATE/);
    expect(list.stdout).toMatch(/\sactive\s/);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain("403 admin_required");

    const rotated = await cli(["keys", "rotate", "--force", "--reason", "cli test"]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/\sretired\s/);
    const retired = /^(\S+)\s+\S+\s+retired\s/m.exec(rotated.stdout)?.[1];
    expect(retired).toBeDefined();

    // One kid in 64 starts with "-": it is still the command's argument, before or after flags.
    const [dashFirst, dashAfterFlags] = await Promise.all([
      cli(["keys", "revoke", "-LYDQPHapjKXOoFIgknw7z6BBORyBes", "--yes"]),
      cli(["keys", "revoke", "--yes", "--", "-LYDQPHapjKXOoFIgknw7z6BBORyBes"]),
    ]);
    for (const attempt of [dashFirst, dashAfterFlags]) {
      expect(attempt.code).toBe(1);
      expect(attempt.stderr).toContain("404");
    }
    const unconfirmed = await cli(["keys", "revoke", retired as string]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain("--yes");
    const revoked = await cli(["keys", "revoke", retired as string, "--yes"]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked: ${retired}`);
    const jwks = (await (await fetch(`${issuer.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(retired);
  });

  it("names the issuer and how to set it, exit code 3, when it cannot be reached", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const [list, inspect] = await Promise.all([
      cli(["keys", "list"], { env: { ...env, TOKENMINT_ISSUER: url } }),
      cli(["inspect", "-"], { env: { TOKENMINT_ISSUER: url }, stdin: "tmpat_x.y.z" }),
    ]);
    for (const run of [list, inspect]) {
      expect(run).toMatchObject({ code: 3, stdout: "" });
      expect(run.stderr).toBe(
        `tokenmint: cannot reach the issuer at ${url} (ECONNREFUSED); is it running? Set TOKENMINT_ISSUER or --issuer to its URL\n`,
      );
    }
  });
});
