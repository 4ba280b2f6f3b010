/**
 * Every code example of the README and the manual runs against a live issuer on Redis, as written:
 * shell blocks with bash (curl and jq, failing on an error answer), TypeScript blocks as modules
 * whose exports are exercised (a Hono app, a verify function, a router), Python blocks with
 * Debian's PyJWT. Example URLs (`https://tokens.example.com`, `http://localhost:8080`) point at the
 * live issuer. A block that cannot run here says why in its info string (`sh not-run: …`). The CLI
 * page's session has its own test (test/cli/readme.test.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { freePort } from "../helpers/redis-server.js";
import { runProcess } from "../helpers/run-process.js";
import { EXAMPLE_KINDS } from "../helpers/token-kinds.js";

interface Example {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly info: string;
  readonly code: string;
}

/** Fenced blocks in code languages; answers and configuration shown as text are not examples. */
function examples(): Example[] {
  const files = [
    "README.md",
    ...readdirSync("docs")
      .filter((name) => name.endsWith(".md") && name !== "cli.md")
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)]
      .map((match) => ({
        file,
        line: text.slice(0, match.index).split("\n").length,
        lang: match[1] as string,
        info: (match[2] as string).trim(),
        code: match[3] as string,
      }))
      .filter((block) => ["sh", "bash", "ts", "js", "python"].includes(block.lang));
  });
}

const SECRET = randomBytes(16).toString("hex");
const CLIENT = `Basic ${btoa(`platform:${SECRET}`)}`;
const SCRATCH = resolve("test/docs/.examples");
const PYTHON = "/usr/bin/python3";

// curl that prints the body and fails on an answer that means the example is wrong (a 409 is a
// documented answer of a state change, e.g. a key rotation inside the pre-publication window).
const CURL = `curl() {
  local out code
  out=$(command curl -sS -w '\\n%{http_code}' "$@") || return $?
  code=\${out##*$'\\n'}
  printf '%s\\n' "\${out%$'\\n'*}"
  case $code in 2*|3*|409) return 0 ;; *) echo "HTTP $code from curl $*" >&2; return 22 ;; esac
}
`;

let issuer: RunningIssuer;
let url: string;

async function call(method: string, path: string, auth: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: auth, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
}

/** A token of alice's for one example, and a second one to act on by id. */
async function fixture() {
  const mint = (body: Record<string, unknown>) =>
    call("POST", "/v1/tokens", CLIENT, { subject: "alice", org: "acme", ...body });
  const token = await mint({
    name: "example",
    scope: ["read_api", "read_project", "write_project", "manage_tokens"],
  });
  const other = await mint({ name: "other", scope: ["read_api"] });
  const revoked = await mint({ name: "revoked", scope: ["read_api"] });
  await call("DELETE", `/v1/tokens/${revoked.id}`, CLIENT);
  const keys = (await call("GET", "/v1/keys", CLIENT)) as {
    keys: { kid: string; state: string }[];
  };
  return {
    TOKEN: token.token as string,
    ID: other.id as string,
    REVOKED: revoked.token as string,
    KID: keys.keys.find((key) => key.state === "active")?.kid ?? "",
  };
}

function pointAtIssuer(code: string): string {
  return code
    .replaceAll("https://tokens.example.com", url)
    .replaceAll("http://localhost:8080", url);
}

/** Runs a command with only `env`; stdout and stderr together, for the failure message. */
async function run(command: string, args: string[], env: Record<string, string>) {
  const result = await runProcess(command, args, { env });
  return { code: result.code, out: result.stdout + result.stderr };
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  issuer = await startServer({
    config: parseConfig({
      PORT: String(port),
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: uniquePrefix(),
      TOKENMINT_ISSUER: url,
      TOKENMINT_CLIENTS: `platform:${SECRET},admin:${SECRET}`,
      TOKENMINT_ADMIN_CLIENTS: "platform,admin",
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_AUDIENCE: `${url},https://api.example.com`,
      TOKENMINT_ORG_CELLS: "acme=eu-1",
      TOKENMINT_ORG_POLICIES: JSON.stringify({ initech: { require_approval: true } }),
      TOKENMINT_MINT_RATE_PER_SUBJECT: "100000",
      TOKENMINT_MINT_RATE_PER_CLIENT: "100000",
      // The example of docs/token-kinds.md.
      TOKENMINT_TOKEN_KINDS: JSON.stringify(EXAMPLE_KINDS),
    }),
    logger: createJsonLogger(() => undefined),
  });
  mkdirSync(SCRATCH, { recursive: true });
});

afterAll(async () => {
  await issuer?.close();
  rmSync(SCRATCH, { recursive: true, force: true });
});

const all = examples();

describe("the documentation's code examples", () => {
  it("are found, and those that cannot run here are shell blocks that say why", () => {
    expect(all.length).toBeGreaterThan(10);
    const silent = all.filter(
      (block) => block.info !== "" && !/^not-run: \S.{10,}/.test(block.info),
    );
    expect(silent.map((b) => `${b.file}:${b.line} ${b.info}`)).toEqual([]);
    const notShell = all.filter((b) => b.info.startsWith("not-run") && b.lang !== "sh");
    expect(notShell.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it("in TypeScript type-check under the project's strict settings", async () => {
    const typed = join(SCRATCH, "typed");
    mkdirSync(typed, { recursive: true });
    const files = all
      .filter((block) => block.lang === "ts")
      .map((block, n) => {
        const file = join(typed, `example-${n}.ts`);
        writeFileSync(file, block.code);
        return file;
      });
    const root = resolve(".");
    writeFileSync(
      join(typed, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "tsconfig.json"),
        compilerOptions: {
          paths: {
            "@tokenmint/verifier": [join(root, "packages/verifier/src/index.ts")],
            "tokenmint/verifier": [join(root, "src/verifier.ts")],
            "tokenmint/router": [join(root, "src/router/index.ts")],
          },
        },
        files,
      }),
    );
    const result = await run(join(root, "node_modules/.bin/tsc"), ["-p", typed], {
      PATH: process.env.PATH ?? "",
    });
    expect(result.code, result.out).toBe(0);
  }, 60_000);

  for (const block of all.filter((b) => !b.info.startsWith("not-run"))) {
    it(`${block.file}:${block.line} (${block.lang}) runs as written`, async () => {
      const values = await fixture();
      const code = pointAtIssuer(block.code);
      const env = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        ISSUER: url,
        SECRET,
        CLIENT_ID: "platform",
        CLIENT_SECRET: SECRET,
        ...values,
      };
      if (block.lang === "sh" || block.lang === "bash") {
        const result = await run("bash", ["-euo", "pipefail", "-c", CURL + code], env);
        expect(result.code, result.out).toBe(0);
      } else if (block.lang === "python") {
        const check = `
import os
assert verify(os.environ["TOKEN"])["sub"] == "alice"
try:
    verify(os.environ["REVOKED"])
    raise SystemExit("a revoked token was accepted")
except jwt.InvalidTokenError as refused:
    print("refused:", refused)
`;
        const result = await run(PYTHON, ["-c", code + check], env);
        expect(result.code, result.out).toBe(0);
        expect(result.out).toContain("refused: revoked");
      } else {
        const file = join(SCRATCH, `${block.file.replace(/\W/g, "-")}-${block.line}.ts`);
        writeFileSync(file, code);
        process.env.TOKEN = values.TOKEN;
        const module = (await import(file)) as Record<string, unknown>;
        await exercise(module, values);
      }
    });
  }
});

/** Uses what a TypeScript example exports: every export is checked against the live issuer. */
async function exercise(
  module: Record<string, unknown>,
  values: Awaited<ReturnType<typeof fixture>>,
) {
  const { app, mayWrite, verify, router } = module as {
    app?: { request(path: string, init: RequestInit): Promise<Response> };
    mayWrite?: (token: string) => Promise<boolean>;
    verify?: (token: string) => Promise<{ sub: string }>;
    router?: { fetch: unknown };
  };
  if (app) {
    const allowed = await app.request("/projects/42/issues", {
      headers: { authorization: `Bearer ${values.TOKEN}` },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ for: "alice" });
    const refused = await app.request("/projects/42/issues", {
      headers: { authorization: `Bearer ${values.REVOKED}` },
    });
    expect(refused.status).toBe(401);
  }
  if (mayWrite) expect(await mayWrite(values.TOKEN)).toBe(true);
  if (verify) {
    expect((await verify(values.TOKEN)).sub).toBe("alice");
    await expect(verify(values.REVOKED)).rejects.toThrow(/revoked/);
  }
  if (router) expect(typeof router.fetch).toBe("function");
}
