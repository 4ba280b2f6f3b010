/**
 * The verifier as a downstream service gets it: `npm pack` of packages/verifier, the tarball
 * installed into an empty project (jose is all it brings along), and a plain Node ESM script there
 * verifying a token minted by the real issuer server and refusing one revoked through it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), "tm-verifier-pack-"));
let issuer: ChildProcess | undefined;

afterAll(() => {
  issuer?.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
});

/** The environment without the npm_* variables of an enclosing `npm test` (its prefix, say). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")),
  );
  return { ...env, ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** Starts the Node server from the sources on the embedded store; resolves once it listens. */
async function startIssuer(secret: string): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "src/server.ts")], {
    cwd: mkdtempSync(join(scratch, "issuer-")),
    env: cleanEnv({
      HOME: scratch,
      PORT: String(port),
      HOST: "127.0.0.1",
      TOKENMINT_ISSUER: url,
      TOKENMINT_AUDIENCE: "https://api.example.test",
      TOKENMINT_CLIENTS: `svc:${secret}`,
    }),
    stdio: ["ignore", "ignore", "pipe"],
  });
  issuer = child;
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the issuer did not start: ${stderr}`)), 20000);
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
      if (stderr.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`the issuer exited ${code}: ${stderr}`)));
  });
  return url;
}

const VERIFY_SCRIPT = `
import { createVerifier } from "@tokenmint/verifier";

const [issuer, audience, valid, revoked] = process.argv.slice(2);
const verifier = createVerifier({ issuer, audience });
console.log(JSON.stringify(await verifier.verify(valid)));
try {
  await verifier.verify(revoked);
  console.log("accepted the revoked token");
} catch (error) {
  console.log(\`refused: \${error.code}\`);
}
`;

it("installs from its tarball alone and verifies the running issuer's tokens", async () => {
  const secret = "svc-secret-0123456789abcdef";
  // --ignore-scripts: the global setup built dist/ from the current sources; rebuilding it here
  // would rewrite the files that servers starting meanwhile (this one included) are loading.
  const [packed, url] = await Promise.all([
    run(
      "npm",
      [
        "pack",
        "--json",
        "--ignore-scripts",
        "--pack-destination",
        scratch,
        "-w",
        "@tokenmint/verifier",
      ],
      { cwd: ROOT, env: cleanEnv() },
    ),
    startIssuer(secret),
  ]);
  const [{ filename, files }] = JSON.parse(packed.stdout) as [
    { filename: string; files: { path: string }[] },
  ];
  const paths = files.map((file) => file.path);
  expect(paths).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/index.js"]));
  expect(paths).toContain("dist/index.d.ts");
  expect(paths.some((path) => path.startsWith("src/"))).toBe(false);

  const project = join(scratch, "downstream");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "downstream", private: true, type: "module" }),
  );
  writeFileSync(join(project, "verify.mjs"), VERIFY_SCRIPT);
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, filename)],
    { cwd: project, env: cleanEnv() },
  );
  expect(
    readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith(".")),
  ).toEqual(["@tokenmint", "ipaddr.js", "jose"]);
  const manifest = JSON.parse(
    readFileSync(join(project, "node_modules/@tokenmint/verifier/package.json"), "utf8"),
  ) as { dependencies: Record<string, string> };
  expect(Object.keys(manifest.dependencies)).toEqual(["ipaddr.js", "jose"]);

  const basic = `Basic ${btoa(`svc:${secret}`)}`;
  const mint = async (subject: string) => {
    const response = await fetch(`${url}/v1/tokens`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({ subject, name: "pack test", scope: ["read_api"] }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  };
  const valid = await mint("alice");
  const revoked = await mint("bob");
  const revocation = await fetch(`${url}/v1/revoke`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: revoked }),
  });
  expect(revocation.status).toBe(200);

  const { stdout } = await run(
    process.execPath,
    ["verify.mjs", url, "https://api.example.test", valid, revoked],
    { cwd: project, env: cleanEnv() },
  );
  const [claimsLine, refusal] = stdout.trim().split("\n");
  expect(JSON.parse(claimsLine ?? "")).toMatchObject({
    iss: url,
    sub: "alice",
    aud: ["https://api.example.test"],
    scope: "read_api",
    client_id: "svc",
  });
  expect(refusal).toBe("refused: token_revoked");
}, 90_000);
