/**
 * The `tokenmint` CLI as a user runs it: `bin/tokenmint.mjs` in a child process against the real
 * Node server on a free loopback port. Exit codes, `--help`, and each command's effect.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";

const BIN = join(process.cwd(), "bin/tokenmint.mjs");
const ADMIN = { id: "ops", secret: "ops-secret-0123456789abcdef" };
const PLAIN = { id: "app", secret: "app-secret-0123456789abcdef" };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("the tokenmint CLI", () => {
  let issuer: RunningIssuer;
  let keys: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    keys = mkdtempSync(join(tmpdir(), "tm-cli-keys-"));
    issuer = await startServer({
      config: parseConfig({
        PORT: String(port),
        TOKENMINT_ISSUER: `http://127.0.0.1:${port}`,
        TOKENMINT_CLIENTS: `${ADMIN.id}:${ADMIN.secret},${PLAIN.id}:${PLAIN.secret}`,
        TOKENMINT_ADMIN_CLIENTS: ADMIN.id,
        TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      }),
      logger: silentLogger,
      keysDirectory: keys,
    });
    env = {
      TOKENMINT_ISSUER: issuer.url,
      TOKENMINT_CLIENT_ID: ADMIN.id,
      TOKENMINT_CLIENT_SECRET: ADMIN.secret,
    };
  });

  afterAll(async () => {
    await issuer?.close();
    rmSync(keys, { recursive: true, force: true });
  });

  function cli(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}) {
    return new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { PATH: process.env.PATH ?? "", ...(options.env ?? env) },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.stdin ?? "");
    });
  }

  const mintArgs = ["mint", "--subject", "carol", "--name", "cli", "--scope", "read_api"];

  it("prints help for every command and refuses bad command lines with exit code 2", async () => {
    const commands = [
      ["keys", "generate"],
      ["keys", "list"],
      ["keys", "rotate"],
      ["keys", "revoke"],
      ["mint"],
      ["inspect"],
      ["revoke"],
    ];
    const [top, none, unknown, badFlag, noCredentials, ...helps] = await Promise.all([
      cli(["--help"]),
      cli([]),
      cli(["frobnicate"]),
      cli(["mint", "--bogus"]),
      cli(mintArgs, { env: { TOKENMINT_ISSUER: issuer.url } }),
      ...commands.map((command) => cli([...command, "--help"])),
    ]);
    expect(top).toMatchObject({ code: 0 });
    expect(top.stdout).toContain("inspect <token|->");
    expect(none.code).toBe(2);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("--bogus");
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain("TOKENMINT_CLIENT_ID");
    helps.forEach((help, index) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: tokenmint ${commands[index]?.join(" ")}`);
    });
  });

  it("generates a KEK locally", async () => {
    const { code, stdout } = await cli(["keys", "generate"], { env: {} });
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

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
    const [list, forbidden] = await Promise.all([
      cli(["keys", "list"]),
      cli(["keys", "list"], { env: plainEnv }),
    ]);
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

  it("fails with exit code 1 when the issuer cannot be reached", async () => {
    const port = await freePort();
    const { code, stderr } = await cli(["keys", "list"], {
      env: { ...env, TOKENMINT_ISSUER: `http://127.0.0.1:${port}` },
    });
    expect(code).toBe(1);
    expect(stderr).toContain("Cannot reach");
  });
});
