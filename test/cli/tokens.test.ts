/**
 * `tokenmint tokens …`, `introspect` and `revoke` against the real issuer on Redis: each command's
 * effect read back through the API, `--json` answers that parse with nothing else on standard
 * output, `-` for standard input, and the exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIssuer, PLAIN, startCliIssuer, stdoutJson } from "./harness.js";

interface TokenJson {
  id: string;
  token: string;
  state: string;
  name: string;
  scope: string[];
  subject: string;
  rotated?: boolean;
  rotated_from?: string;
}

const TOKEN = /^tmpat_ey[\w-]+\.[\w-]+\.[\w-]+$/;

describe("tokenmint tokens, introspect and revoke", () => {
  let tm: CliIssuer;
  beforeAll(async () => {
    tm = await startCliIssuer();
  });
  afterAll(async () => {
    await tm?.close();
  });

  const create = (subject: string, ...more: string[]) =>
    tm.run(["tokens", "create", "--subject", subject, "--name", "laptop", ...more]);

  it("creates a token: the token alone on stdout, or the whole answer with --json", async () => {
    const [plain, json, alias, fromBody] = await Promise.all([
      create("alice", "--scope", "read_api,manage_tokens", "--expires-in", "1d"),
      create("alice", "--scope", "read_api", "--json"),
      tm.run(["mint", "--subject", "alice", "--name", "old spelling", "--scope", "read_api"]),
      tm.run(["tokens", "create", "--body", "-", "--json"], {
        stdin: JSON.stringify({ subject: "bob", name: "from stdin", scope: ["read_api"] }),
      }),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(new RegExp(`^${TOKEN.source.slice(1, -1)}\\n$`));
    expect(plain.stderr).toMatch(/^minted \S+ \(read_api manage_tokens\), expires 20\d\d-/);
    expect(stdoutJson<TokenJson>(json)).toMatchObject({ subject: "alice", scope: ["read_api"] });
    expect(alias.code).toBe(0);
    expect(alias.stdout.trim()).toMatch(TOKEN);
    expect(stdoutJson<TokenJson>(fromBody)).toMatchObject({ subject: "bob", name: "from stdin" });
    const limited = await create(
      "ip-limited",
      "--scope",
      "read_api",
      "--allowed-ips",
      "10.1.2.3/8, 2001:db8::/32",
      "--json",
    );
    expect(stdoutJson<TokenJson>(limited)).toMatchObject({
      allowed_ips: ["10.0.0.0/8", "2001:db8::/32"],
    });

    // A user token with manage_tokens mints a narrower one for its own subject, read from stdin.
    const own = await tm.run(
      ["tokens", "create", "--token", "-", "--name", "ci", "--scope", "read_api", "--json"],
      {
        env: { TOKENMINT_ISSUER: tm.env.TOKENMINT_ISSUER as string },
        stdin: `${plain.stdout}`,
      },
    );
    expect(stdoutJson<TokenJson>(own)).toMatchObject({ subject: "alice", name: "ci" });

    const [missing, wider] = await Promise.all([
      tm.run(["tokens", "create", "--subject", "alice", "--scope", "read_api"]),
      tm.run([
        "tokens",
        "create",
        "--name",
        "x",
        "--scope",
        "write_project",
        "--token",
        plain.stdout.trim(),
      ]),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("--name and --scope are required");
    expect(wider).toMatchObject({ code: 1, stdout: "" });
    expect(wider.stderr).toMatch(/POST \/v1\/tokens: 403 /);
  });

  it("lists and shows tokens as a client and as the token's holder", async () => {
    const minted = stdoutJson<TokenJson>(
      await create("carol", "--scope", "read_api,manage_tokens", "--json"),
    );
    const [table, json, own, show, self, showJson, noSubject] = await Promise.all([
      tm.run(["tokens", "list", "--subject", "carol"]),
      tm.run(["tokens", "list", "--subject", "carol", "--json"]),
      tm.run(["tokens", "list", "--token", "-", "--json"], { stdin: minted.token }),
      tm.run(["tokens", "show", minted.id]),
      tm.run(["tokens", "show", "self", "--token", "-"], { stdin: `${minted.token}\n` }),
      tm.run(["tokens", "show", minted.id, "--json"]),
      tm.run(["tokens", "list"]),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+STATE\s+SCOPE/);
    expect(table.stdout).toMatch(
      new RegExp(`^${minted.id}\\s+laptop\\s+active\\s+read_api,manage_tokens\\s`, "m"),
    );
    expect(stdoutJson<{ tokens: TokenJson[] }>(json).tokens.map((t) => t.id)).toEqual([minted.id]);
    expect(stdoutJson<{ tokens: TokenJson[] }>(own).tokens.map((t) => t.id)).toEqual([minted.id]);
    expect(show.stdout).toMatch(new RegExp(`^id:\\s+${minted.id}$`, "m"));
    expect(show.stdout).toMatch(/^state:\s+active$/m);
    // Showing "self" uses the token, so it shows a last use the client's view had not seen yet.
    expect(self.stdout).toMatch(new RegExp(`^id:\\s+${minted.id}$`, "m"));
    expect(stdoutJson<TokenJson>(showJson)).toMatchObject({ id: minted.id, state: "active" });
    expect(noSubject).toMatchObject({ code: 2, stdout: "" });
    const missing = await tm.run(["tokens", "show", "nonexistent"]);
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toContain("GET /v1/tokens/nonexistent: 404 not_found");
  });

  it("updates in place, rotates on a change of grants, and rotates on request", async () => {
    const minted = stdoutJson<TokenJson>(
      await create("dave", "--scope", "read_api,read_project", "--json"),
    );
    const renamed = await tm.run(["tokens", "update", minted.id, "--name", "desk", "--json"]);
    expect(stdoutJson<TokenJson>(renamed)).toMatchObject({
      rotated: false,
      id: minted.id,
      name: "desk",
    });

    const narrowed = await tm.run(["tokens", "update", minted.id, "--scope", "read_api"]);
    expect(narrowed.code).toBe(0);
    const narrowedToken = narrowed.stdout.trim();
    expect(narrowedToken).toMatch(TOKEN);
    expect(narrowed.stderr).toMatch(new RegExp(`^rotated ${minted.id} into \\S+ \\(read_api\\)`));
    const old = stdoutJson<TokenJson>(await tm.run(["tokens", "show", minted.id, "--json"]));
    expect(old.state).toBe("rotated");

    const self = stdoutJson<TokenJson>(
      await tm.run(["tokens", "show", "self", "--token", narrowedToken, "--json"]),
    );
    const rotated = await tm.run(["tokens", "rotate", self.id, "--expires-in", "2d", "--json"]);
    const answer = stdoutJson<TokenJson>(rotated);
    expect(answer).toMatchObject({ rotated_from: self.id, scope: ["read_api"] });
    const [oldActive, newActive] = await Promise.all([
      tm.run(["introspect", narrowedToken]),
      tm.run(["introspect", "-"], { stdin: answer.token }),
    ]);
    expect(oldActive).toMatchObject({ code: 1, stdout: "inactive\n" });
    expect(newActive.code).toBe(0);
    expect(newActive.stdout).toMatch(/^active\n/);
    expect(newActive.stdout).toMatch(/^sub:\s+dave$/m);

    const nothing = await tm.run(["tokens", "update", answer.id]);
    expect(nothing).toMatchObject({ code: 2, stdout: "" });
    expect(nothing.stderr).toContain("Nothing to change");
  });

  it("suspends, resumes and revokes; introspection follows at once", async () => {
    const minted = stdoutJson<TokenJson>(await create("erin", "--scope", "read_api", "--json"));
    const introspect = () =>
      tm.run(["introspect", "-", "--json"], {
        env: { ...tm.env, TOKENMINT_CLIENT_ID: PLAIN.id, TOKENMINT_CLIENT_SECRET: PLAIN.secret },
        stdin: minted.token,
      });

    const suspended = await tm.run(["tokens", "suspend", minted.id]);
    expect(suspended).toMatchObject({ code: 0, stdout: `suspended ${minted.id}\n` });
    const whileSuspended = await introspect();
    expect(whileSuspended.code).toBe(1);
    expect(stdoutJson(whileSuspended)).toEqual({ active: false });
    const twice = await tm.run(["tokens", "suspend", minted.id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("409 invalid_state");

    const resumed = await tm.run(["tokens", "resume", minted.id, "--json"]);
    expect(stdoutJson<TokenJson>(resumed)).toMatchObject({ id: minted.id, state: "active" });
    const active = await introspect();
    expect(active.code).toBe(0);
    expect(stdoutJson(active)).toMatchObject({ active: true, sub: "erin", jti: minted.id });

    const revoked = await tm.run(["tokens", "revoke", minted.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${minted.id}\n` });
    expect((await introspect()).code).toBe(1);
    const again = await tm.run(["tokens", "revoke", minted.id]);
    expect(again.code).toBe(0);
  });

  it("revokes by the token itself (RFC 7009, from stdin) and in bulk with --yes", async () => {
    const [first, second] = await Promise.all([
      create("frank", "--scope", "read_api"),
      create("frank", "--scope", "read_api"),
    ]);
    const rfc7009 = await tm.run(["revoke", "-"], {
      env: { TOKENMINT_ISSUER: tm.env.TOKENMINT_ISSUER as string },
      stdin: first.stdout,
    });
    expect(rfc7009.code).toBe(0);
    expect((await tm.run(["introspect", first.stdout.trim()])).code).toBe(1);

    const unconfirmed = await tm.run(["tokens", "revoke-all", "--subject", "frank"]);
    expect(unconfirmed).toMatchObject({ code: 2, stdout: "" });
    expect(unconfirmed.stderr).toContain("--yes");
    const bulk = await tm.run(["tokens", "revoke-all", "--subject", "frank", "--yes", "--json"]);
    expect(stdoutJson(bulk)).toEqual({ revoked: 1 });
    expect((await tm.run(["introspect", second.stdout.trim()])).code).toBe(1);
  });
});
