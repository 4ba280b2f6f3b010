/**
 * `tokenmint routes …` and `tokenmint audit` against the real issuer on Redis: the routing map
 * read and changed (admin clients only), and the audit stream filtered and paged.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIssuer, PLAIN, startCliIssuer, stdoutJson } from "./harness.js";

interface AuditJson {
  events: { type: string; sub?: string; org?: string; jti?: string; actor: string }[];
  next_cursor: string | null;
}

describe("tokenmint routes and audit", () => {
  let tm: CliIssuer;
  beforeAll(async () => {
    tm = await startCliIssuer({
      TOKENMINT_ORG_CELLS: "acme=cell-eu-1,globex=cell-us-2",
      TOKENMINT_DEFAULT_CELL: "cell-default",
    });
  });
  afterAll(async () => {
    await tm?.close();
  });

  it("lists the routing map without credentials and moves an org as an admin", async () => {
    const anonymous = { TOKENMINT_ISSUER: tm.env.TOKENMINT_ISSUER as string };
    const [table, json] = await Promise.all([
      tm.run(["routes", "list"], { env: anonymous }),
      tm.run(["routes", "list", "--json"], { env: anonymous }),
    ]);
    expect(table).toMatchObject({
      code: 0,
      stdout:
        "ORG     CELL\nacme    cell-eu-1\nglobex  cell-us-2\ndefault cell: cell-default; version 1\n",
    });
    expect(stdoutJson(json)).toEqual({
      version: 1,
      default_cell: "cell-default",
      cells: { acme: "cell-eu-1", globex: "cell-us-2" },
    });

    const moved = await tm.run(["routes", "set", "acme", "cell-us-2"]);
    expect(moved).toMatchObject({
      code: 0,
      stdout: "moved acme to cell-us-2 (routes version 2)\n",
    });
    const plain = await tm.run(["routes", "set", "acme", "cell-eu-1", "--json"], {
      env: { ...tm.env, TOKENMINT_CLIENT_ID: PLAIN.id, TOKENMINT_CLIENT_SECRET: PLAIN.secret },
    });
    expect(plain).toMatchObject({ code: 1, stdout: "" });
    expect(plain.stderr).toContain("PUT /v1/routes/acme: 403 admin_required");
    const after = stdoutJson<{ cells: Record<string, string> }>(
      await tm.run(["routes", "list", "--json"]),
    );
    expect(after.cells.acme).toBe("cell-us-2");

    // A token minted for the org now carries the new cell.
    const withOrg = await tm.run([
      "tokens",
      "create",
      "--subject",
      "gina",
      "--name",
      "y",
      "--scope",
      "read_api",
      "--org",
      "acme",
      "--json",
    ]);
    expect(stdoutJson(withOrg)).toMatchObject({ org: "acme", cell: "cell-us-2" });
  });

  it("reads the audit stream, filtered, with the next page's cursor on stderr", async () => {
    const minted = stdoutJson<{ id: string }>(
      await tm.run([
        "tokens",
        "create",
        "--subject",
        "hank",
        "--name",
        "audited",
        "--scope",
        "read_api",
        "--json",
      ]),
    );
    await tm.run(["tokens", "suspend", minted.id]);
    await tm.run(["tokens", "revoke", minted.id]);

    const [table, json, page] = await Promise.all([
      tm.run(["audit", "--subject", "hank"]),
      tm.run(["audit", "--subject", "hank", "--json"]),
      tm.run(["audit", "--subject", "hank", "--limit", "1", "--json"]),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME\s+TYPE\s+ACTOR\s+SUBJECT\s+TOKEN\s+REASON\n/);
    expect(table.stdout).toMatch(
      new RegExp(`\\stoken\\.minted\\s+client:ops\\s+hank\\s+${minted.id}\\s`),
    );
    const events = stdoutJson<AuditJson>(json).events;
    expect(events.map((event) => event.type)).toEqual([
      "token.revoked",
      "token.suspended",
      "token.minted",
    ]);
    expect(events.every((event) => event.sub === "hank")).toBe(true);

    const first = stdoutJson<AuditJson>(page);
    expect(first.events).toHaveLength(1);
    expect(first.next_cursor).toMatch(/^\d+-\d+$/);
    const next = await tm.run([
      "audit",
      "--subject",
      "hank",
      "--limit",
      "1",
      "--cursor",
      first.next_cursor as string,
    ]);
    expect(next.stdout).toContain("token.suspended");
    expect(next.stderr).toMatch(/^more: --cursor \d+-\d+\n$/);

    const [badLimit, plain] = await Promise.all([
      tm.run(["audit", "--limit", "0"]),
      tm.run(["audit"], {
        env: { ...tm.env, TOKENMINT_CLIENT_ID: PLAIN.id, TOKENMINT_CLIENT_SECRET: PLAIN.secret },
      }),
    ]);
    expect(badLimit).toMatchObject({ code: 1, stdout: "" });
    expect(badLimit.stderr).toContain("GET /v1/audit?limit=0: 400");
    // The audit stream is for every service client, not only admins.
    expect(plain.code).toBe(0);
  });
});
