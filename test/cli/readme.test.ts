/**
 * The CLI page (docs/cli.md) is true: its shell session runs as written (bash, `tokenmint` on the
 * PATH, against the real issuer on Redis), and its command table names every command there is.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { runProcess } from "../helpers/run-process.js";
import { BIN, type CliIssuer, type Run, startCliIssuer } from "./harness.js";

/** The manual's page on the CLI. */
function cliSection(): string {
  const page = readFileSync("docs/cli.md", "utf8");
  expect(page).toContain("# Command line: `tokenmint`\n");
  return page;
}

/** Runs a script with bash in strict mode, `tokenmint` on the PATH, and only the given env. */
function bash(script: string, bin: string, env: Record<string, string>): Promise<Run> {
  return runProcess("bash", ["-euo", "pipefail", "-c", script], {
    env: { ...env, PATH: `${bin}:${process.env.PATH ?? ""}` },
  });
}

describe("the CLI page", () => {
  let tm: CliIssuer;
  let bin: string;
  beforeAll(async () => {
    tm = await startCliIssuer({
      TOKENMINT_ORG_POLICIES: JSON.stringify({ initech: { require_approval: true } }),
    });
    bin = mkdtempSync(join(tmpdir(), "tm-cli-bin-"));
    // What `npm install -g` would put on the PATH.
    writeFileSync(join(bin, "tokenmint"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, "tokenmint"), 0o755);
  });
  afterAll(async () => {
    await tm?.close();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it("lists every command in its table", () => {
    const section = cliSection();
    for (const name of Object.keys(COMMANDS)) {
      const [group, sub] = name.split(" ");
      // A row may list a group's commands together: `tokenmint keys list` / `rotate …`.
      expect(section).toMatch(
        new RegExp(`\`tokenmint ${group}${sub ? ` [^\\n]*\\b${sub}\\b` : "\\b"}`),
      );
    }
  });

  // Each line starts a CLI process, a few seconds apiece on a loaded machine.
  it("runs its shell session as written", async () => {
    const blocks = [...cliSection().matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks).toHaveLength(1);
    const run = await bash(blocks[0] as string, bin, tm.env);
    expect(run.stderr).not.toContain("tokenmint: ");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("VALID: every check passed");
    expect(run.stdout).toContain("inactive (exit 1)");
    expect(run.stdout).toMatch(/"acme": "cell-eu-2"/);
    expect(run.stdout).toMatch(/\stoken\.revoked\s/);
    expect(run.stdout).toMatch(/ pending /);
    expect(run.stdout).toMatch(/^approved \S+$/m);
    expect(run.stdout).toMatch(/^denied \S+$/m);
  }, 180_000);
});
