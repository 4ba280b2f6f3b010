/**
 * The token-management page's security properties, in-process: headers (CSP nonce, no-store,
 * framing), sign-in refusals, the session cookie (attributes, no token inside, tamper-proof,
 * bounded by the token and by TOKENMINT_UI_SESSION_TTL), both CSRF checks, and subject isolation.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { bearer, createTestIssuer, type TestIssuer } from "../helpers/issuer.js";

const ORIGIN = "https://issuer.test";

describe("the token-management page", () => {
  let issuer: TestIssuer;
  let manager: { id: string; token: string };

  beforeEach(async () => {
    issuer = await createTestIssuer();
    manager = await issuer.mint({ scope: ["read_api", "read_project", "manage_tokens"] });
  });

  const page = (path: string, init: RequestInit = {}) => issuer.request(`${ORIGIN}${path}`, init);

  function post(path: string, fields: Record<string, string | string[]>, headers = {}) {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    return page(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers },
      body,
    });
  }

  async function signIn(token = manager.token): Promise<string> {
    const response = await post("/ui/sign-in", { token });
    expect(response.status).toBe(303);
    const cookie = response.headers.get("set-cookie") ?? "";
    return cookie.split(";")[0] as string;
  }

  /** A calendar date (UTC) `days` from the issuer's now, as the date picker sends it. */
  const dateIn = (days: number) =>
    new Date(issuer.clock() + days * 86400_000).toISOString().slice(0, 10);

  async function csrfOf(cookie: string): Promise<string> {
    const html = await (await page("/ui", { headers: { cookie } })).text();
    return /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  }

  it("sends a nonce-based CSP, no-store and no framing", async () => {
    const [first, second] = await Promise.all([page("/ui"), page("/ui")]);
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+';/);
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    const html = await first.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html.match(/<script(?! nonce)/g)).toBeNull();
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  it("refuses tokens that are not live or cannot manage tokens, and keeps no session", async () => {
    const reader = await issuer.mint({ scope: ["read_api"] });
    const forged = await post("/ui/sign-in", { token: `${manager.token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.headers.get("set-cookie")).toBeNull();
    expect(await forged.text()).toContain("not valid");
    const weak = await post("/ui/sign-in", { token: reader.token });
    expect(weak.status).toBe(403);
    expect(weak.headers.get("set-cookie")).toBeNull();
  });

  it("refuses cross-site form posts (origin check), even to sign in", async () => {
    const crossSite = await post(
      "/ui/sign-in",
      { token: manager.token },
      { origin: "https://evil.test" },
    );
    expect(crossSite.status).toBe(403);
    const noOrigin = await page("/ui/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: manager.token }),
    });
    expect(noOrigin.status).toBe(403);
  });

  it("keeps the session in a __Host- cookie that does not hold the token", async () => {
    const response = await post("/ui/sign-in", { token: manager.token });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(
      /^__Host-tm_ui=[\w.-]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
    );
    const value = cookie.split(";")[0]?.split("=")[1] ?? "";
    for (const part of manager.token.slice(6).split(".")) expect(value).not.toContain(part);
    expect(response.headers.get("location")).toBe("/ui");
    expect(issuer.logs.join("\n")).not.toContain(manager.token.slice(6, 40));
  });

  it("checks the session's CSRF secret on every signed-in form post", async () => {
    const cookie = await signIn();
    const csrf = await csrfOf(cookie);
    expect(csrf).toMatch(/^[\w-]{43}$/);
    const create = { name: "laptop", scope: "read_api", expires_on: dateIn(1) };
    const missing = await post("/ui/tokens", create, { cookie });
    expect(missing.status).toBe(403);
    const wrong = await post(
      "/ui/tokens",
      { ...create, csrf: `${csrf.slice(0, -2)}xx` },
      { cookie },
    );
    expect(wrong.status).toBe(403);
    const crossSite = await post(
      "/ui/tokens",
      { ...create, csrf },
      { cookie, origin: "https://evil.test" },
    );
    expect(crossSite.status).toBe(403);
    const listed = async () =>
      (
        (await (await issuer.request("/v1/tokens", { headers: bearer(manager.token) })).json()) as {
          tokens: unknown[];
        }
      ).tokens.length;
    expect(await listed()).toBe(1);

    const created = await post("/ui/tokens", { ...create, csrf }, { cookie });
    expect(created.status).toBe(200);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const token = /id="new-token" value="([^"]+)"/.exec(await created.text())?.[1] ?? "";
    expect((await issuer.request("/v1/tokens/self", { headers: bearer(token) })).status).toBe(200);
    expect(await listed()).toBe(2);
    // Shown once: the list never carries the token, nor a prefix standing in for one.
    const listing = await (await page("/ui?show=all", { headers: { cookie } })).text();
    expect(listing).not.toContain(token.slice(6, 40));
    expect(listing).not.toContain("tmpat_");
  });

  it("mints only narrower tokens, through the same policy as the API", async () => {
    const cookie = await signIn();
    const csrf = await csrfOf(cookie);
    const wider = await post(
      "/ui/tokens",
      { name: "wider", scope: ["read_api", "write_repository"], expires_on: dateIn(1), csrf },
      { cookie },
    );
    expect(wider.status).toBe(403);
    expect(await wider.text()).toMatch(
      /id="scope-error">Scope not held by the parent: write_repository</,
    );
    const noScope = await post(
      "/ui/tokens",
      { name: "none", expires_on: dateIn(1), csrf },
      { cookie },
    );
    expect(noScope.status).toBe(400);
  });

  it("ends the session when its token is revoked, when it expires, or when the cookie is altered", async () => {
    const signedIn = async (cookie: string) =>
      (await (await page("/ui", { headers: { cookie } })).text()).includes("Signed in as");
    const cookie = await signIn();
    expect(await signedIn(cookie)).toBe(true);
    expect(await signedIn(`${cookie.slice(0, -3)}abc`)).toBe(false);

    issuer.clock.advance(3601);
    expect(await signedIn(cookie)).toBe(false);

    const again = await signIn();
    expect(await signedIn(again)).toBe(true);
    await issuer.request("/v1/tokens/self", { method: "DELETE", headers: bearer(manager.token) });
    const after = await page("/ui", { headers: { cookie: again } });
    expect(await after.text()).toContain("Sign in with a token");
    expect(after.headers.get("set-cookie")).toMatch(/^__Host-tm_ui=; Max-Age=0/);
  });

  it("follows its own token through a rotation, and never reaches another subject's tokens", async () => {
    const bob = await issuer.mint({ subject: "bob", scope: ["read_api"] });
    const cookie = await signIn();
    const csrf = await csrfOf(cookie);
    const foreign = await post(`/ui/tokens/${bob.id}/revoke`, { csrf }, { cookie });
    expect(foreign.status).toBe(404);
    expect((await issuer.request("/v1/tokens/self", { headers: bearer(bob.token) })).status).toBe(
      200,
    );

    const rotated = await post(
      `/ui/tokens/${manager.id}/rotate`,
      { csrf, confirm: "rotate" },
      { cookie },
    );
    expect(rotated.status).toBe(200);
    const next = (rotated.headers.get("set-cookie") ?? "").split(";")[0] as string;
    expect(next).toMatch(/^__Host-tm_ui=/);
    expect(await (await page("/ui", { headers: { cookie: next } })).text()).toContain(
      "Signed in as",
    );
  });

  it("can be turned off", async () => {
    const quiet = await createTestIssuer({ env: { TOKENMINT_UI: "false" } });
    expect((await quiet.request("/ui")).status).toBe(404);
  });
});
