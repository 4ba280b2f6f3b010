/**
 * The real Node server on a free port: state in Redis survives an issuer restart; and the
 * zero-configuration start (`npm start` on a fresh machine) runs on the embedded store and prints
 * a usable client.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";

const CLIENTS = "svc:svc-secret-0123456789abcdef";
const basic = `Basic ${btoa("svc:svc-secret-0123456789abcdef")}`;

describe("the Node server", () => {
  it("sets the request id and security headers on Node's response; a route's own headers win", async () => {
    const server = await startServer({
      config: parseConfig({
        PORT: "0",
        TOKENMINT_CLIENTS: CLIENTS,
        TOKENMINT_KEK: randomBytes(32).toString("base64url"),
        TOKENMINT_ISSUER: "http://issuer.local",
      }),
      logger: createJsonLogger(() => undefined),
    });
    try {
      for (const path of ["/healthz", "/.well-known/jwks.json", "/no/such/path", "/ui"]) {
        const response = await fetch(`${server.url}${path}`);
        await response.arrayBuffer();
        expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("strict-transport-security")).toBe(
          "max-age=15552000; includeSubDomains",
        );
        const page = path === "/ui";
        expect(response.headers.get("x-frame-options")).toBe(page ? "DENY" : "SAMEORIGIN");
        expect(response.headers.get("cross-origin-resource-policy")).toBe(
          page ? "same-origin" : "cross-origin",
        );
        expect(response.headers.get("content-security-policy") !== null).toBe(page);
      }
      const echoed = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "req-7" } });
      expect(echoed.headers.get("x-request-id")).toBe("req-7");
      const jwks = await fetch(`${server.url}/.well-known/jwks.json`);
      expect(jwks.headers.get("access-control-allow-origin")).toBe("*");
      expect(jwks.headers.get("content-type")).toBe("application/jwk-set+json");
      const etag = jwks.headers.get("etag") ?? "";
      const again = await fetch(`${server.url}/.well-known/jwks.json`, {
        headers: { "if-none-match": etag },
      });
      expect(again.status).toBe(304);
    } finally {
      await server.close();
    }
  });

  it("keeps every piece of state in Redis across a restart", async () => {
    const env = {
      PORT: "0",
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: uniquePrefix(),
      TOKENMINT_CLIENTS: CLIENTS,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_ISSUER: "http://issuer.local",
    };
    const logs: string[] = [];
    const logger = createJsonLogger((line) => logs.push(line));
    const first = await startServer({ config: parseConfig(env), logger });
    expect(first.mode).toBe("redis");
    const minted = await fetch(`${first.url}/v1/tokens`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json" },
      body: JSON.stringify({
        subject: "dana",
        name: "server test",
        scope: ["read_api", "manage_tokens"],
      }),
    });
    expect(minted.status).toBe(201);
    const { token, id } = (await minted.json()) as { token: string; id: string };
    const revokeMe = (await (
      await fetch(`${first.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: basic, "content-type": "application/json" },
        body: JSON.stringify({ subject: "dana", name: "revoked", scope: ["read_api"] }),
      })
    ).json()) as { token: string };
    expect(
      (
        await fetch(`${first.url}/v1/revoke`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: revokeMe.token }),
        })
      ).status,
    ).toBe(200);
    const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).text();
    await first.close();

    const second = await startServer({ config: parseConfig(env), logger });
    expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).text()).toBe(jwksBefore);
    const introspect = async (t: string) =>
      (await fetch(`${second.url}/v1/introspect`, {
        method: "POST",
        headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: t }),
      }).then((r) => r.json())) as { active: boolean; jti?: string };
    expect(await introspect(token)).toMatchObject({ active: true, jti: id });
    expect(await introspect(revokeMe.token)).toEqual({ active: false });
    const list = await fetch(`${second.url}/v1/tokens`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await list.json()) as { tokens: unknown[] }).tokens).toHaveLength(2);
    const { payload } = await jwtVerify(
      token.slice(6),
      createRemoteJWKSet(new URL(`${second.url}/.well-known/jwks.json`)),
      {
        issuer: "http://issuer.local",
        audience: "http://issuer.local",
        algorithms: ["ES256"],
        typ: "at+jwt",
      },
    );
    expect(payload.jti).toBe(id);
    await second.close();
    const everything = logs.join("\n");
    expect(everything).not.toContain(token.slice(6, 40));
    expect(everything).not.toContain(env.TOKENMINT_KEK);
    expect(everything).not.toContain("svc-secret");
  });

  it("starts with no configuration on the embedded store and prints a working client", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "tokenmint-"));
    const entry = join(process.cwd(), "src/server.ts");
    const tsx = join(process.cwd(), "node_modules/.bin/tsx");
    const child = spawn(tsx, [entry], {
      cwd,
      env: { PATH: process.env.PATH ?? "", PORT: "0", HOME: cwd },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${stderr}`)), 15000);
        child.stderr.on("data", (chunk) => {
          stderr += String(chunk);
          if (stderr.includes("client secret:") && stderr.includes("try:")) {
            clearTimeout(timer);
            resolve(stderr);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const url = /listening on (http:\/\/\S+) /.exec(banner)?.[1];
      const id = /client id:\s+(\S+)/.exec(banner)?.[1];
      const secret = /client secret:\s+(\S+)/.exec(banner)?.[1];
      expect(url && id && secret).toBeTruthy();
      expect(banner).toContain(`token page:    ${url}/ui`);
      expect(banner).toContain(`API reference: ${url}/docs`);
      // The banner's own example, as printed: its token lists tokens and signs in to the page.
      const example = /-d '([^']+)'/.exec(banner)?.[1] ?? "";
      const minted = await fetch(`${url}/v1/tokens`, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa(`${id}:${secret}`)}`,
          "content-type": "application/json",
        },
        body: example,
      });
      expect(minted.status).toBe(201);
      const { token } = (await minted.json()) as { token: string };
      const listed = await fetch(`${url}/v1/tokens`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.status).toBe(200);
      const signIn = await fetch(`${url}/ui/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: url ?? "" },
        body: new URLSearchParams({ token }),
      });
      expect(signIn.status).toBe(303);
      expect(stdout).toContain('"event":"store.embedded"');
      expect(stdout).not.toContain(secret);
      expect(stdout).not.toContain(token.slice(6, 40));
      // The dev keyring lives under keys/, with the private key only encrypted.
      expect(readdirSync(join(cwd, "keys")).sort()).toEqual(["dev-kek", "dev-keyring.json"]);
      const keyring = readFileSync(join(cwd, "keys/dev-keyring.json"), "utf8");
      expect(keyring).toContain("privateJwe");
      expect(keyring).not.toMatch(/"d"\s*:/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
