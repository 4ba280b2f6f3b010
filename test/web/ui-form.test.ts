/**
 * The token-management page's forms, in-process: scope descriptions (defaults and
 * `TOKENMINT_SCOPE_DESCRIPTIONS`), the expiry date picker's bounds (policy, org policy, the
 * signed-in token) and what a chosen date means, plain-words errors per field that keep what was
 * typed, the confirmation before a rotation, and the active / all filter.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_SCOPE_DESCRIPTIONS, parseConfig } from "../../src/config/config.js";
import { bearer, createTestIssuer, type TestIssuer } from "../helpers/issuer.js";

const ORIGIN = "https://issuer.test";
const DAY = 86400;

/** A signed-in page session on a test issuer, as the browser would hold it. */
async function signedIn(issuer: TestIssuer, mint: Record<string, unknown> = {}) {
  const manager = await issuer.mint({
    scope: ["read_api", "read_project", "manage_tokens"],
    ...("expires_at" in mint ? {} : { expires_in: 10 * DAY }),
    ...mint,
  });
  const page = (path: string, init: RequestInit = {}) => issuer.request(`${ORIGIN}${path}`, init);
  const post = (path: string, fields: Record<string, string | string[]>, cookie = "") => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    return page(path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: ORIGIN,
        ...(cookie ? { cookie } : {}),
      },
      body,
    });
  };
  const signIn = await post("/ui/sign-in", { token: manager.token });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
  const html = await (await page("/ui", { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const now = Math.floor(issuer.clock() / 1000);
  return {
    manager,
    now,
    html,
    get: async (path: string) => page(path, { headers: { cookie } }),
    create: (fields: Record<string, string | string[]>) =>
      post("/ui/tokens", { csrf, ...fields }, cookie),
    post: (path: string, fields: Record<string, string>) => post(path, { csrf, ...fields }, cookie),
  };
}

const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

async function tokensOf(issuer: TestIssuer, token: string) {
  const response = await issuer.request("/v1/tokens", { headers: bearer(token) });
  return (
    (await response.json()) as {
      tokens: { id: string; name: string; state: string; expires_at: string }[];
    }
  ).tokens;
}

describe("the page's create form", () => {
  it("describes each scope, from the defaults or TOKENMINT_SCOPE_DESCRIPTIONS", async () => {
    const issuer = await createTestIssuer({
      env: { TOKENMINT_SCOPE_DESCRIPTIONS: '{"read_api":"Reads the API, nothing else"}' },
    });
    const { html } = await signedIn(issuer);
    expect(html).toContain("Reads the API, nothing else");
    expect(html).toContain(DEFAULT_SCOPE_DESCRIPTIONS.read_project);
    expect(html).not.toContain(DEFAULT_SCOPE_DESCRIPTIONS.read_api);

    expect(() => parseConfig({ TOKENMINT_SCOPE_DESCRIPTIONS: '{"admin":"Everything"}' })).toThrow(
      /TOKENMINT_SCOPE_DESCRIPTIONS: admin is not in TOKENMINT_SCOPES/,
    );
    expect(() => parseConfig({ TOKENMINT_SCOPE_DESCRIPTIONS: "read_api=Read" })).toThrow(
      ConfigError,
    );
    expect(() => parseConfig({ TOKENMINT_SCOPE_DESCRIPTIONS: '{"read_api":""}' })).toThrow(
      /TOKENMINT_SCOPE_DESCRIPTIONS/,
    );
    const custom = parseConfig({ TOKENMINT_SCOPES: "deploy manage_tokens" });
    expect([...custom.scopeDescriptions.keys()]).toEqual(["manage_tokens"]);
  });

  it("bounds the expiry date by the policy and by the token signed in with", async () => {
    const issuer = await createTestIssuer();
    const { html, manager, now } = await signedIn(issuer);
    // Minimum lifetime 5 minutes; the manager expires in 10 days, before the policy's 365 days.
    expect(html).toContain(`min="${dateOf(now + 300)}"`);
    expect(html).toContain(`max="${String(manager.expires_at).slice(0, 10)}"`);
    expect(html).toContain(`data-date="${dateOf(now + 7 * DAY)}">7 days<`);
    expect(html).not.toContain(">30 days<");
    expect(html).toContain("Until your sign-in token expires");

    const org = await createTestIssuer({
      env: { TOKENMINT_ORG_POLICIES: '{"acme":{"min_lifetime":"1d","max_lifetime":"3d"}}' },
    });
    const acme = await signedIn(org, { org: "acme", expires_in: 3 * DAY });
    expect(acme.html).toContain(`min="${dateOf(acme.now + DAY)}"`);
    expect(acme.html).toContain(`max="${dateOf(acme.now + 3 * DAY)}"`);

    const forever = await createTestIssuer({ env: { TOKENMINT_ALLOW_NON_EXPIRING: "true" } });
    const unbounded = await signedIn(forever, { expires_at: null });
    expect(unbounded.html).toContain(`max="${dateOf(unbounded.now + 365 * DAY)}"`);
    // The policy's 365 days is a quick choice already: no second button for the same date.
    expect(unbounded.html).toContain(`data-date="${dateOf(unbounded.now + 365 * DAY)}">1 year<`);
    expect(unbounded.html).not.toContain("Longest allowed");
  });

  it("expires at the end of the chosen day, never after the token signed in with", async () => {
    const issuer = await createTestIssuer();
    const session = await signedIn(issuer);
    const day = dateOf(session.now + 2 * DAY);
    expect(
      (await session.create({ name: "two days", scope: "read_api", expires_on: day })).status,
    ).toBe(200);
    const last = String(session.manager.expires_at).slice(0, 10);
    expect(
      (await session.create({ name: "last day", scope: "read_api", expires_on: last })).status,
    ).toBe(200);
    const tokens = await tokensOf(issuer, session.manager.token);
    expect(tokens.find((t) => t.name === "two days")?.expires_at).toBe(`${day}T23:59:59.000Z`);
    expect(tokens.find((t) => t.name === "last day")?.expires_at).toBe(session.manager.expires_at);
  });

  it("words each problem next to its field and keeps what was typed", async () => {
    const issuer = await createTestIssuer();
    const session = await signedIn(issuer);
    const bad = await session.create({
      name: "  ",
      description: "kept <text>",
      org: "has space",
      expires_on: dateOf(session.now + 11 * DAY),
    });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('id="name-error">Give the token a name.<');
    expect(html).toContain('id="org-error">Use 1 to 256 characters, without spaces or braces.<');
    expect(html).toContain('id="scope-error">Choose at least one scope.<');
    expect(html).toMatch(
      /id="expires_on-error">Choose \d{4}-\d\d-\d\d or earlier: a new token cannot outlive/,
    );
    expect(html).toContain('value="kept &lt;text&gt;"');
    expect(html).toContain('value="has space"');
    expect(html).toContain(`value="${dateOf(session.now + 11 * DAY)}"`);
    expect(html).toMatch(/id="name"[^>]*aria-invalid="true"/);
    expect(html).not.toMatch(/Invalid input|expected string|too_small/);

    const typed = await session.create({
      name: "ci deploy",
      scope: ["read_api", "read_project"],
      expires_on: "2026-02-31",
    });
    const again = await typed.text();
    expect(typed.status).toBe(400);
    expect(again).toContain('id="expires_on-error">Enter a date as YYYY-MM-DD.<');
    expect(again).toContain('value="ci deploy"');
    expect(again).toMatch(/value="read_project" checked/);
    expect(await tokensOf(issuer, session.manager.token)).toHaveLength(1);
  });

  it("rotates only from the confirmation, which says the old token stops at once", async () => {
    const issuer = await createTestIssuer();
    const session = await signedIn(issuer);
    const child = await issuer.mint({ name: "ci", scope: ["read_api"], expires_in: DAY });
    const html = await (await session.get("/ui")).text();
    expect(html).toContain(`href="/ui/tokens/${child.id}/rotate"`);
    expect(html).not.toContain(`action="/ui/tokens/${child.id}/rotate"`);

    const unconfirmed = await session.post(`/ui/tokens/${child.id}/rotate`, {});
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe(`/ui/tokens/${child.id}/rotate`);
    expect((await issuer.request("/v1/tokens/self", { headers: bearer(child.token) })).status).toBe(
      200,
    );

    const confirm = await (await session.get(`/ui/tokens/${child.id}/rotate`)).text();
    expect(confirm).toContain("The old token stops working at once");
    expect(confirm).toContain('name="confirm" value="rotate"');
    const rotated = await session.post(`/ui/tokens/${child.id}/rotate`, { confirm: "rotate" });
    expect(rotated.status).toBe(200);
    expect(await rotated.text()).toContain("Token rotated");
    const states = (await tokensOf(issuer, session.manager.token))
      .filter((t) => t.name === "ci")
      .map((t) => t.state)
      .sort();
    expect(states).toEqual(["active", "rotated"]);
  });

  it("lists active tokens by default and every token under All, with when each was created", async () => {
    const issuer = await createTestIssuer();
    const session = await signedIn(issuer);
    const ended = await issuer.mint({ name: "old", scope: ["read_api"] });
    await issuer.request("/v1/tokens/self", { method: "DELETE", headers: bearer(ended.token) });
    const active = await (await session.get("/ui")).text();
    expect(active).not.toContain(`data-token-id="${ended.id}"`);
    expect(active).toContain(`data-token-id="${session.manager.id}"`);
    expect(active).toMatch(/Active \(1\)[\s\S]*All \(2\)/);
    const all = await (await session.get("/ui?show=all")).text();
    expect(all).toContain(`data-token-id="${ended.id}"`);
    expect(all).toContain("<th>Created</th>");
    expect(all).toContain(`ID <code>${ended.id}</code>`);
  });
});

describe("the page's create form with token kinds", () => {
  const KINDS = JSON.stringify({
    pat: { prefix: "tmpat_" },
    deploy: { prefix: "tmdt_", scopes: ["read_api", "read_project"], max_lifetime: "5d" },
    job: { prefix: "tmjob_", self_service: false },
  });

  it("offers the self-service kinds, bounds the expiry by the kind, and names each token's kind", async () => {
    const issuer = await createTestIssuer({ env: { TOKENMINT_TOKEN_KINDS: KINDS } });
    const session = await signedIn(issuer);
    expect(session.html).toContain('<select id="kind" name="kind"');
    expect(session.html).toContain('<option value="deploy"');
    expect(session.html).not.toContain('<option value="job"');
    // The deploy kind's 5 d maximum is below the signed-in token's 10 d.
    const late = await session.create({
      name: "too long",
      kind: "deploy",
      scope: "read_api",
      expires_on: dateOf(session.now + 7 * DAY),
    });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("a token may live at most 5d");
    const created = await session.create({
      name: "registry",
      kind: "deploy",
      scope: "read_api",
      expires_on: dateOf(session.now + 2 * DAY),
    });
    expect(created.status).toBe(200);
    expect(await created.text()).toContain("tmdt_");
    const job = await session.create({
      name: "job",
      kind: "job",
      scope: "read_api",
      expires_on: dateOf(session.now + 2 * DAY),
    });
    expect(job.status).toBe(403);
    expect(await job.text()).toContain(
      'id="kind-error">Tokens of kind job are minted by a service client only',
    );
    const listed = await (await session.get("/ui")).text();
    expect(listed).toContain("Kind <code>deploy</code>");
    expect(listed).toContain("Kind <code>pat</code>");
  });

  it("offers no choice with one kind", async () => {
    const issuer = await createTestIssuer();
    const session = await signedIn(issuer);
    expect(session.html).not.toContain('name="kind"');
    expect(session.html).not.toContain("Kind <code>");
  });
});
