/**
 * IP allowlists (`allowed_ips`) through HTTP against the real Node server, on Redis and on the
 * memory store: validation and normalization at mint, the claim, the record and introspection,
 * enforcement on every bearer request (behind trusted proxies, and directly over loopback), the
 * audit of a refusal, inheritance by a self-service child, and the rule for power on children,
 * PATCH and rotation.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { callJson, STORE_KINDS, type StoreKind, uniquePrefix } from "../helpers/issuer.js";

const CLIENT = `Basic ${btoa("svc:svc-secret-0123456789abcdef")}`;

/** The real server on `kind`, with `env` on top of a test configuration. */
async function start(kind: StoreKind, env: Record<string, string> = {}) {
  const server: RunningIssuer = await startServer({
    config: parseConfig({
      PORT: "0",
      ...(kind === "redis" ? { REDIS_URL: inject("redisUrl"), REDIS_PREFIX: uniquePrefix() } : {}),
      TOKENMINT_CLIENTS: "svc:svc-secret-0123456789abcdef",
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_ISSUER: "http://issuer.local",
      TOKENMINT_AUDIENCE: "https://api.test",
      ...env,
    }),
    logger: createJsonLogger(() => undefined),
  });
  const call = (
    method: string,
    path: string,
    auth: string,
    options: { body?: unknown; from?: string } = {},
  ) =>
    callJson(
      (at, init) => fetch(`${server.url}${at}`, init),
      method,
      path,
      auth,
      options.body,
      options.from === undefined ? {} : { "x-forwarded-for": options.from },
    );
  const mint = async (body: Record<string, unknown>) => {
    const answer = await call("POST", "/v1/tokens", CLIENT, {
      body: { subject: "alice", name: "n", scope: ["read_api", "manage_tokens"], ...body },
    });
    if (answer.status !== 201) throw new Error(`mint: ${JSON.stringify(answer)}`);
    return answer.body as Record<string, unknown> & { id: string; token: string };
  };
  const introspect = async (token: string) => {
    const response = await fetch(`${server.url}/v1/introspect`, {
      method: "POST",
      headers: { authorization: CLIENT, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const audit = async (jti: string) => {
    const answer = await call("GET", "/v1/audit?limit=500", CLIENT);
    return ((answer.body.events ?? []) as Array<{ jti?: string }>).filter((e) => e.jti === jti);
  };
  return { server, call, mint, introspect, audit };
}

const bearer = (token: string) => `Bearer ${token}`;

describe.each(STORE_KINDS)("allowed_ips on the %s store", (kind) => {
  // Loopback is the trusted proxy here: each request says where it comes from in X-Forwarded-For.
  let issuer: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    issuer = await start(kind, { TOKENMINT_TRUSTED_PROXIES: "127.0.0.1, ::1" });
  });
  afterAll(async () => {
    await issuer.server.close();
  });

  it("normalizes the list at mint and carries it in the token, the record and introspection", async () => {
    const minted = await issuer.mint({
      allowed_ips: ["10.1.2.3/8", "2001:DB8:0:0::1/32", "192.0.2.7", "::ffff:10.0.0.0/104"],
    });
    const list = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32"];
    expect(minted.allowed_ips).toEqual(list);
    expect(decodeJwt(minted.token.slice("tmpat_".length)).allowed_ips).toEqual(list);
    expect((await issuer.call("GET", `/v1/tokens/${minted.id}`, CLIENT)).body.allowed_ips).toEqual(
      list,
    );
    expect(await issuer.introspect(minted.token)).toMatchObject({
      active: true,
      allowed_ips: list,
    });
    const open = await issuer.mint({});
    expect(open.allowed_ips).toBeNull();
    expect(decodeJwt(open.token.slice("tmpat_".length))).not.toHaveProperty("allowed_ips");
    expect(await issuer.introspect(open.token)).not.toHaveProperty("allowed_ips");
  });

  it("refuses a bad list with a problem per field, and writes nothing", async () => {
    const cases: Array<[unknown, string]> = [
      [["10.0.0.0/8", "10.0.0.0/33"], "allowed_ips[1]"],
      [["10.1"], "allowed_ips[0]"],
      [["fe80::1%eth0"], "allowed_ips[0]"],
      [[], "allowed_ips"],
      [Array.from({ length: 33 }, (_, i) => `10.0.${i}.0/24`), "allowed_ips"],
      ["10.0.0.0/8", "allowed_ips"],
    ];
    for (const [allowed_ips, path] of cases) {
      const answer = await issuer.call("POST", "/v1/tokens", CLIENT, {
        body: { subject: "refused", name: "n", scope: ["read_api"], allowed_ips },
      });
      expect(answer.status, JSON.stringify(allowed_ips)).toBe(400);
      expect(answer.body.code).toBe("invalid_request");
      expect((answer.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    }
    const max = await issuer.mint({
      subject: "refused",
      allowed_ips: Array.from({ length: 32 }, (_, i) => `10.0.${i}.0/24`),
    });
    expect(max.allowed_ips).toHaveLength(32);
    const listed = await issuer.call("GET", "/v1/tokens?subject=refused", CLIENT);
    expect(listed.body.tokens as unknown[]).toHaveLength(1);
    expect((listed.body.tokens as Array<{ allowed_ips: string[] }>)[0]?.allowed_ips).toEqual(
      max.allowed_ips,
    );
  });

  it("refuses a bearer request from outside the list with 403 ip_not_allowed, audited with the address once a minute", async () => {
    const minted = await issuer.mint({
      subject: "bob",
      allowed_ips: ["203.0.113.0/24", "2001:db8::/32"],
    });
    const self = (from: string) =>
      issuer.call("GET", "/v1/tokens/self", bearer(minted.token), { from });
    expect((await self("203.0.113.9")).status).toBe(200);
    expect((await self("2001:db8::5")).status).toBe(200);
    // An IPv4-mapped IPv6 address is its IPv4 address.
    expect((await self("::ffff:203.0.113.9")).status).toBe(200);
    const refused = await self("198.51.100.7");
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: "ip_not_allowed",
      detail: "The token may not be used from 198.51.100.7",
    });
    // Only the right-most address the trusted proxy saw counts: the client cannot prepend one.
    expect((await self("203.0.113.9, 198.51.100.7")).status).toBe(403);
    expect((await self("198.51.100.7, 203.0.113.9")).status).toBe(200);
    // Every bearer path is guarded, management included; nothing changes on a refusal.
    const rotate = await issuer.call("POST", "/v1/tokens/self/rotate", bearer(minted.token), {
      from: "198.51.100.7",
    });
    expect(rotate.status).toBe(403);
    expect(rotate.body.code).toBe("ip_not_allowed");
    expect((await issuer.call("GET", `/v1/tokens/${minted.id}`, CLIENT)).body.state).toBe("active");

    const events = await issuer.audit(minted.id);
    const refusals = events.filter((e) => (e as { type: string }).type === "token.ip_refused");
    // Three refusals from one address: audited once a minute, so a replay loop cannot flush the log.
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({
      actor: `token:${minted.id}`,
      sub: "bob",
      detail: { ip: "198.51.100.7" },
    });
    expect(JSON.stringify(events)).not.toContain(minted.token.slice(10, 40));
    // The last-use IPs are the client's, read behind the proxy, and only from allowed uses.
    const shown = await issuer.call("GET", `/v1/tokens/${minted.id}`, CLIENT);
    expect(shown.body.last_used_ips).toEqual(["203.0.113.9"]);
  });

  it("guards the page: sign-in from outside the list is refused, and a session ends where the token may not be used", async () => {
    const minted = await issuer.mint({ subject: "page", allowed_ips: ["203.0.113.0/24"] });
    const signIn = (from: string) =>
      fetch(`${issuer.server.url}/ui/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: issuer.server.url,
          "x-forwarded-for": from,
        },
        body: new URLSearchParams({ token: minted.token }),
      });
    const refused = await signIn("198.51.100.7");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("That token may not be used from this network.");
    const signed = await signIn("203.0.113.5");
    expect(signed.status).toBe(303);
    const cookie = (signed.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const page = (from: string) =>
      fetch(`${issuer.server.url}/ui`, { headers: { cookie, "x-forwarded-for": from } });
    expect(await (await page("203.0.113.5")).text()).toContain('name="csrf"');
    expect(await (await page("198.51.100.7")).text()).not.toContain('name="csrf"');
  });

  it("gives a self-service child its parent's list, or one within it, never wider", async () => {
    const parent = await issuer.mint({ subject: "carol", allowed_ips: ["10.0.0.0/8"] });
    const mintChild = (allowed_ips?: string[]) =>
      issuer.call("POST", "/v1/tokens", bearer(parent.token), {
        from: "10.9.9.9",
        body: { name: "child", scope: ["read_api"], ...(allowed_ips ? { allowed_ips } : {}) },
      });
    const inherited = await mintChild();
    expect(inherited.status).toBe(201);
    expect(inherited.body.allowed_ips).toEqual(["10.0.0.0/8"]);
    const split = await mintChild(["10.0.0.0/9", "10.128.0.0/9", "10.1.2.3"]);
    expect(split.status).toBe(201);
    for (const wider of [["0.0.0.0/0"], ["10.0.0.0/8", "192.168.0.0/16"], ["::/0"]]) {
      const answer = await mintChild(wider);
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe("wider_than_parent");
      expect(answer.body.detail).toContain("allowed_ips must lie within the parent's: 10.0.0.0/8");
    }
  });

  it("keeps the list through rotation; PATCH changes it by rotating, never wider for a bearer caller", async () => {
    const own = await issuer.mint({ subject: "dave", allowed_ips: ["10.0.0.0/8"] });
    const from = "10.1.1.1";
    const widen = await issuer.call("PATCH", `/v1/tokens/${own.id}`, bearer(own.token), {
      from,
      body: { allowed_ips: null },
    });
    expect(widen.status).toBe(403);
    expect(widen.body.code).toBe("wider_than_caller");
    const narrowed = await issuer.call("PATCH", `/v1/tokens/${own.id}`, bearer(own.token), {
      from,
      body: { allowed_ips: ["10.1.0.0/16"] },
    });
    expect(narrowed.status).toBe(201);
    expect(narrowed.body).toMatchObject({ rotated: true, allowed_ips: ["10.1.0.0/16"] });
    const next = narrowed.body.token as string;
    const rotated = await issuer.call("POST", "/v1/tokens/self/rotate", bearer(next), { from });
    expect(rotated.status).toBe(201);
    expect(rotated.body.allowed_ips).toEqual(["10.1.0.0/16"]);
    // A service client may lift the limit.
    const lifted = await issuer.call("PATCH", `/v1/tokens/${rotated.body.id}`, CLIENT, {
      body: { allowed_ips: null },
    });
    expect(lifted.status).toBe(201);
    expect(lifted.body.allowed_ips).toBeNull();
  });

  it("counts the list in the token size limit", async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `gid://gitlab/Project/${100000 + i}`);
    const body = { scope: ["read_project"], permissions: { read_project: ids } };
    await issuer.mint({ subject: "erin", ...body });
    const longest = Array.from(
      { length: 32 },
      (_, i) => `2001:db8:1234:5678:9abc:def0:${(0x1000 + i).toString(16)}:0/112`,
    );
    const answer = await issuer.call("POST", "/v1/tokens", CLIENT, {
      body: { subject: "erin", name: "n", ...body, allowed_ips: longest },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("token_too_large");
  });
});

describe.each(STORE_KINDS)("allowed_ips without trusted proxies on the %s store", (kind) => {
  let issuer: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    issuer = await start(kind);
  });
  afterAll(async () => {
    await issuer.server.close();
  });

  it("reads the connection's own address over loopback and ignores X-Forwarded-For", async () => {
    const local = await issuer.mint({ subject: "frank", allowed_ips: ["127.0.0.0/8", "::1"] });
    expect((await issuer.call("GET", "/v1/tokens/self", bearer(local.token))).status).toBe(200);
    const remote = await issuer.mint({ subject: "frank", allowed_ips: ["203.0.113.0/24"] });
    const spoofed = await issuer.call("GET", "/v1/tokens/self", bearer(remote.token), {
      from: "203.0.113.9",
    });
    expect(spoofed.status).toBe(403);
    expect(spoofed.body.code).toBe("ip_not_allowed");
    expect(spoofed.body.detail).toMatch(/from (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    // Introspection and RFC 7009 revocation are not uses by the token's holder: never refused.
    expect((await issuer.introspect(remote.token)).active).toBe(true);
    const revoke = await fetch(`${issuer.server.url}/v1/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: remote.token }),
    });
    expect(revoke.status).toBe(200);
    expect((await issuer.introspect(remote.token)).active).toBe(false);
  });
});
