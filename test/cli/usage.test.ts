/**
 * The CLI's command line itself, in-process against the real issuer on Redis: help for the whole
 * CLI, each group and each command, "did you mean" for commands and flags, our own messages for
 * unknown flags, ids that start with "-", standard input read once, and the exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { type CliIssuer, runCli, startCliIssuer } from "./harness.js";

describe("the tokenmint command line", () => {
  let tm: CliIssuer;
  beforeAll(async () => {
    tm = await startCliIssuer();
  });
  afterAll(async () => {
    await tm?.close();
  });

  it("prints help for every command, with --help, -h or help <command>", async () => {
    for (const name of Object.keys(COMMANDS)) {
      const words = name.split(" ");
      const runs = await Promise.all([
        runCli([...words, "--help"]),
        runCli([...words, "-h"]),
        runCli(["help", ...words]),
      ]);
      for (const run of runs) {
        expect(run).toMatchObject({ code: 0, stderr: "" });
        expect(run.stdout).toMatch(new RegExp(`^Usage: tokenmint ${name}[ \\n]`));
      }
    }
    const top = await runCli(["--help"]);
    for (const name of Object.keys(COMMANDS)) expect(top.stdout).toContain(`  ${name} `);
    expect(top.stdout).toContain("Exit codes: 0 success, 1 refused");
  });

  it("prints a group's help for <group> --help, and asks for a command without one", async () => {
    const [help, viaHelp, bare] = await Promise.all([
      runCli(["keys", "--help"]),
      runCli(["help", "tokens"]),
      runCli(["routes"]),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toMatch(/^Usage: tokenmint keys <command>/);
    for (const sub of ["list", "rotate", "revoke", "generate"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}keys ${sub}\\s`, "m"));
    }
    expect(help.stdout).not.toContain("tokens list");
    expect(viaHelp.stdout).toMatch(/^ {2}tokens suspend\s/m);
    expect(bare).toMatchObject({ code: 2, stdout: "" });
    expect(bare.stderr).toMatch(/^Usage: tokenmint routes <command>/);
  });

  it("suggests the command or flag meant", async () => {
    const cases: [string[], string][] = [
      [["tokns", "list"], 'unknown command "tokns"; did you mean "tokens list"?'],
      [["tokens", "lst"], 'unknown command "tokens lst"; did you mean "tokens list"?'],
      [["keys", "rotat"], 'unknown command "keys rotat"; did you mean "keys rotate"?'],
      [["introspec", "x"], 'unknown command "introspec"; did you mean "introspect"?'],
      [["audti"], 'unknown command "audti"; did you mean "audit"?'],
      [["frobnicate"], 'unknown command "frobnicate"\n'],
      [["tokens", "list", "--subjet", "a"], "unknown option --subjet; did you mean --subject?"],
      [["keys", "revoke", "k1", "--yse"], "unknown option --yse; did you mean --yes?"],
      [["--verison"], "unknown option --verison; did you mean --version?"],
      [["mint", "--bogus"], 'unknown option --bogus\nRun "tokenmint tokens create --help"'],
      [["inspect", "-x"], "unknown option -x"],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { env: tm.env })));
    runs.forEach((run, index) => {
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(`tokenmint: ${cases[index]?.[1]}`);
    });
  });

  it("refuses bad values with its own messages and exit code 2, before calling the issuer", async () => {
    const cases: [string[], string][] = [
      [["tokens", "show"], '"tokens show" takes 1 argument(s), got 0'],
      [["routes", "set", "acme"], '"routes set" takes 2 argument(s), got 1'],
      [["tokens", "list", "--subject"], "--subject needs a value"],
      [["tokens", "list", "--json=yes"], "--json takes no value"],
      [["tokens", "rotate", "x", "--expires-in", "soon"], "--expires-in: seconds, or 15m"],
      [["tokens", "rotate", "x", "--expires-in", "1d", "--no-expiry"], "Give one of"],
      [["tokens", "create", "--body", "{not json"], "--body: not JSON"],
      [["tokens", "create", "--body", "[1]"], "--body: a JSON object"],
      [["tokens", "update", "x", "--permissions", "nope"], "--permissions: JSON"],
      [["tokens", "revoke-all", "--subject", "a", "--org", "b"], "exactly one of"],
      [["keys", "list", "--issuer", "ftp://x"], "must be an http(s) URL"],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { env: tm.env })));
    runs.forEach((run, index) => {
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain(cases[index]?.[1]);
    });
  });

  it("reads standard input for one '-', and an id that starts with '-' is a value", async () => {
    const minted = await runCli(
      ["tokens", "create", "--subject", "ivy", "--name", "n", "--scope", "read_api"],
      { env: tm.env },
    );
    const token = minted.stdout.trim();
    const [twice, empty, dashId, dashOrg] = await Promise.all([
      runCli(["introspect", "-", "--client-secret", "-"], { env: tm.env, stdin: token }),
      runCli(["introspect", "-"], { env: tm.env, stdin: "\n" }),
      runCli(["tokens", "show", "-Xk2nonexistent"], { env: tm.env }),
      runCli(["routes", "set", "-acme", "cell-1", "--json"], { env: tm.env }),
    ]);
    expect(twice).toMatchObject({ code: 2, stdout: "" });
    expect(twice.stderr).toContain('Only one argument can be "-"');
    expect(empty).toMatchObject({ code: 2, stderr: "tokenmint: No token given\n" });
    expect(dashId.code).toBe(1);
    expect(dashId.stderr).toContain("GET /v1/tokens/-Xk2nonexistent: 404 not_found");
    // Order is kept: "-acme" is the org and "cell-1" the cell.
    expect(JSON.parse(dashOrg.stdout)).toMatchObject({ org: "-acme", cell: "cell-1" });

    // The client secret from standard input works as well as from the environment.
    const secretFromStdin = await runCli(["introspect", token, "--client-secret", "-"], {
      env: { ...tm.env, TOKENMINT_CLIENT_SECRET: "" },
      stdin: `${tm.env.TOKENMINT_CLIENT_SECRET}\n`,
    });
    expect(secretFromStdin.code).toBe(0);
    // An empty variable counts as unset, as in most shells' tools.
    const emptyVariables = await runCli(["routes", "list", "--json"], {
      env: { ...tm.env, TOKENMINT_CLIENT_SECRET: "", TOKENMINT_TOKEN: "" },
    });
    expect(emptyVariables.code).toBe(0);
  });

  it("exits 1 when the issuer refuses, and names its status and code", async () => {
    const wrongSecret = await runCli(["keys", "list"], {
      env: { ...tm.env, TOKENMINT_CLIENT_SECRET: "wrong-secret-0123456789abcd" },
    });
    expect(wrongSecret).toMatchObject({ code: 1, stdout: "" });
    expect(wrongSecret.stderr).toMatch(/^tokenmint: GET \/v1\/keys: 401 /);
  });
});
