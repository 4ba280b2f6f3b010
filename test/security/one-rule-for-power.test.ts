/**
 * The one rule for power, through HTTP against the real server on Redis: whoever presents a token
 * never obtains, re-issues or revives a token wider than it (scope, permissions, audience, org,
 * allowed IPs, lifetime, kind); and every refusal changes nothing. Approval is one more
 * dimension: no bearer operation activates a token waiting for its org's approval or keeps an
 * approval for a wider one.
 */
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUDIENCES,
  bearer,
  CLIENT_AUTH,
  claimsOf,
  type LiveIssuer,
  startLiveIssuer,
} from "./live-issuer.js";

const SCOPES = ["read_api", "read_project", "write_project", "read_registry", "manage_tokens"];
const RESOURCES = ["p1", "p2", "p3", "p4"];
/** The start token's networks: loopback (the tests' own address) and 10/8, disjoint. */
const START_IPS = ["127.0.0.0/8", "10.0.0.0/8"];
const IPS = [
  "127.0.0.0/8",
  "127.0.0.1",
  "10.0.0.0/8",
  "10.1.0.0/16",
  "192.168.0.0/16",
  "::1",
  "::ffff:127.0.0.0/104",
  "0.0.0.0/0",
  "::/0",
];

/** Whether `range` lies inside one of `list` (exact for START_IPS, whose ranges are disjoint). */
function rangeInside(range: string, list: readonly string[]): boolean {
  const [address, bits] = ipaddr.parseCIDR(range);
  return list.some((outer) => {
    const [network, prefix] = ipaddr.parseCIDR(outer);
    return address.kind() === network.kind() && bits >= prefix && address.match(network, prefix);
  });
}

let issuer: LiveIssuer;
let subjects = 0;
const nextSubject = () => `user${++subjects}`;

/** Kinds: `pat` and `deploy` are self-service (a holder may move between them), `job` is not. */
const SELF_SERVICE_KINDS = ["pat", "deploy"];
const KINDS = {
  pat: { prefix: "tmpat_" },
  deploy: { prefix: "tmdt_" },
  job: { prefix: "tmjob_", self_service: false },
};

beforeAll(async () => {
  issuer = await startLiveIssuer({ TOKENMINT_TOKEN_KINDS: JSON.stringify(KINDS) });
});
afterAll(async () => {
  await issuer.close();
});

/** A narrow `manage_tokens` token and a wider sibling of the same subject. */
async function narrowAndWide() {
  const sub = nextSubject();
  const narrow = await issuer.mint({
    subject: sub,
    name: "narrow",
    scope: ["read_api", "manage_tokens"],
    org: "acme",
    expires_in: 600,
  });
  const wide = await issuer.mint({
    subject: sub,
    name: "wide",
    scope: ["read_api", "write_project", "manage_tokens"],
    org: "acme",
    expires_in: 86400 * 30,
  });
  return { sub, narrow, wide };
}

describe("a bearer caller", () => {
  it("cannot PATCH its own token wider, and the refusal changes nothing", async () => {
    const sub = nextSubject();
    const own = await issuer.mint({
      subject: sub,
      name: "ci",
      scope: ["read_project", "manage_tokens"],
      permissions: { read_project: ["p1"] },
      org: "acme",
      expires_in: 600,
    });
    const before = await issuer.show(own.id);
    const attempts = [
      { name: "renamed", scope: ["read_project", "write_project", "manage_tokens"] },
      { name: "renamed", permissions: null },
      { name: "renamed", permissions: { read_project: ["p1", "p2"] } },
      { name: "renamed", expires_in: 31536000 },
      { name: "renamed", audience: ["https://elsewhere.test"] },
    ];
    for (const body of attempts) {
      const answer = await issuer.call("PATCH", `/v1/tokens/${own.id}`, bearer(own.token), body);
      expect([400, 403]).toContain(answer.status);
      expect(answer.body.code).toMatch(/^(wider_than_caller|invalid_audience)$/);
    }
    const { last_used_at: _used, last_used_ips: _ips, ...unchanged } = before;
    expect(await issuer.show(own.id)).toMatchObject(unchanged);
    expect((await issuer.introspect(own.token)).active).toBe(true);
    expect((await issuer.audit(own.id)).map((e) => (e as { type: string }).type)).toEqual([
      "token.minted",
    ]);
    // Narrower is fine: a PATCH that rotates to less scope keeps the narrowing of what remains.
    const narrowed = await issuer.call("PATCH", `/v1/tokens/${own.id}`, bearer(own.token), {
      name: "renamed",
      scope: ["read_project"],
    });
    expect(narrowed.status).toBe(201);
    expect(narrowed.body).toMatchObject({
      rotated: true,
      name: "renamed",
      scope: ["read_project"],
      permissions: { read_project: ["p1"] },
    });
  });

  it("cannot self-rotate into a longer lifetime; the same lifetime is the default", async () => {
    const sub = nextSubject();
    const own = await issuer.mint({
      subject: sub,
      name: "short",
      scope: ["read_api"],
      expires_in: 600,
    });
    const longer = await issuer.call("POST", "/v1/tokens/self/rotate", bearer(own.token), {
      expires_in: 31536000,
    });
    expect(longer.status).toBe(403);
    expect(longer.body.code).toBe("wider_than_caller");
    expect(longer.body.detail).toContain("at most 10m");
    expect((await issuer.show(own.id)).state).toBe("active");
    const same = await issuer.call("POST", "/v1/tokens/self/rotate", bearer(own.token));
    expect(same.status).toBe(201);
    const claims = claimsOf(same.body.token as string);
    expect((claims.exp ?? 0) - claims.iat).toBe(600);
  });

  it("cannot rotate, PATCH or resume a wider sibling, but may revoke or suspend it", async () => {
    const { narrow, wide } = await narrowAndWide();
    const rotate = await issuer.call("POST", `/v1/tokens/${wide.id}/rotate`, bearer(narrow.token));
    expect(rotate.status).toBe(403);
    expect(rotate.body.code).toBe("wider_than_caller");
    expect(rotate.body).not.toHaveProperty("token");
    const patch = await issuer.call("PATCH", `/v1/tokens/${wide.id}`, bearer(narrow.token), {
      name: "mine now",
    });
    expect(patch.status).toBe(403);
    expect((await issuer.show(wide.id)).name).toBe("wide");
    expect((await issuer.show(wide.id)).state).toBe("active");
    expect((await issuer.introspect(wide.token)).active).toBe(true);
    expect((await issuer.audit(wide.id)).map((e) => (e as { type: string }).type)).toEqual([
      "token.minted",
    ]);

    const suspend = await issuer.call(
      "POST",
      `/v1/tokens/${wide.id}/suspend`,
      bearer(narrow.token),
    );
    expect(suspend.status).toBe(200);
    const resume = await issuer.call("POST", `/v1/tokens/${wide.id}/resume`, bearer(narrow.token));
    expect(resume.status).toBe(403);
    expect(resume.body.code).toBe("wider_than_caller");
    expect((await issuer.show(wide.id)).state).toBe("suspended");
    expect((await issuer.introspect(wide.token)).active).toBe(false);
    const events = (await issuer.audit(wide.id)).map((e) => (e as { type: string }).type);
    expect(events).not.toContain("token.resumed");

    const revoke = await issuer.call("DELETE", `/v1/tokens/${wide.id}`, bearer(narrow.token));
    expect(revoke.status).toBe(204);
    expect((await issuer.show(wide.id)).state).toBe("revoked");
  });

  it("cannot rotate a wider sibling from the page either", async () => {
    const { narrow, wide } = await narrowAndWide();
    const form = async (path: string, fields: Record<string, string>, cookie?: string) =>
      fetch(`${issuer.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: issuer.url,
          ...(cookie === undefined ? {} : { cookie }),
        },
        body: new URLSearchParams(fields),
      });
    const signIn = await form("/ui/sign-in", { token: narrow.token });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const html = await (await fetch(`${issuer.url}/ui`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const rotate = await form(`/ui/tokens/${wide.id}/rotate`, { csrf, confirm: "rotate" }, cookie);
    expect(rotate.status).toBe(403);
    const page = await rotate.text();
    expect(page).toContain("wider than the presented one");
    expect(page).not.toMatch(/tmpat_eyJ/);
    expect((await issuer.show(wide.id)).state).toBe("active");
  });

  it("may rotate a sibling no wider than itself, never for longer than the sibling lived", async () => {
    const sub = nextSubject();
    const caller = await issuer.mint({
      subject: sub,
      name: "caller",
      scope: ["read_api", "manage_tokens"],
      expires_in: 7200,
    });
    const sibling = await issuer.mint({
      subject: sub,
      name: "s",
      scope: ["read_api"],
      expires_in: 600,
    });
    const tooLong = await issuer.call(
      "POST",
      `/v1/tokens/${sibling.id}/rotate`,
      bearer(caller.token),
      {
        expires_in: 3600,
      },
    );
    expect(tooLong.status).toBe(403);
    expect((await issuer.show(sibling.id)).state).toBe("active");
    const rotated = await issuer.call(
      "POST",
      `/v1/tokens/${sibling.id}/rotate`,
      bearer(caller.token),
    );
    expect(rotated.status).toBe(201);
    expect(rotated.body.rotated_from).toBe(sibling.id);
  });

  it("mints a child that inherits org, audience and a clamped expiry", async () => {
    const sub = nextSubject();
    const parent = await issuer.mint({
      subject: sub,
      name: "parent",
      scope: ["read_api", "manage_tokens"],
      org: "acme",
      audience: [AUDIENCES[1]],
      expires_in: 3600,
    });
    const child = await issuer.call("POST", "/v1/tokens", bearer(parent.token), {
      name: "child",
      scope: ["read_api"],
    });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({
      org: "acme",
      audience: [AUDIENCES[1]],
      expires_at: parent.expires_at,
    });
  });
});

describe("the lifetime policy", () => {
  it("is looked up by own entries: orgs named like Object members get the default policy", async () => {
    const strict = await startLiveIssuer({
      TOKENMINT_MAX_LIFETIME: "30d",
      TOKENMINT_ORG_POLICIES: JSON.stringify({ acme: { max_lifetime: "7d" } }),
    });
    try {
      for (const org of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
        const answer = await strict.call("POST", "/v1/tokens", CLIENT_AUTH, {
          subject: "u",
          name: "n",
          scope: ["read_api"],
          org,
          expires_at: "9999-12-31T00:00:00Z",
        });
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({
          code: "invalid_expiry",
          detail: "The lifetime must be between 5m and 30d",
        });
      }
      const acme = await strict.call("POST", "/v1/tokens", CLIENT_AUTH, {
        subject: "u",
        name: "n",
        scope: ["read_api"],
        org: "acme",
        expires_in: 8 * 86400,
      });
      expect(acme.body.detail).toBe("The lifetime must be between 5m and 7d");
      const past = await strict.call("POST", "/v1/tokens", CLIENT_AUTH, {
        subject: "u",
        name: "n",
        scope: ["read_api"],
        expires_at: "2001-01-01T00:00:00Z",
      });
      expect(past.body).toMatchObject({
        code: "invalid_expiry",
        detail: "expires_at is in the past",
      });
    } finally {
      await strict.close();
    }
  });
});

describe("the token size limit", () => {
  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => `gid://gitlab/Project/${100000 + i}`);

  it("refuses a token past the limit before writing anything; one just within it works everywhere", async () => {
    const sub = nextSubject();
    const tooMany = await issuer.call("POST", "/v1/tokens", CLIENT_AUTH, {
      subject: sub,
      name: "big",
      scope: ["read_project", "manage_tokens"],
      permissions: { read_project: ids(240) },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe("token_too_large");
    expect(tooMany.body.detail).toMatch(/up to \d+ characters long; the limit is 8192/);
    const list = await issuer.call("GET", `/v1/tokens?subject=${sub}`, CLIENT_AUTH);
    expect(list.body.tokens).toEqual([]);

    // The largest count that fits: every Bearer path accepts that token.
    let fits = 0;
    for (let n = 240; n > 0; n -= 1) {
      const answer = await issuer.call("POST", "/v1/tokens", CLIENT_AUTH, {
        subject: sub,
        name: "big",
        scope: ["read_project", "manage_tokens"],
        permissions: { read_project: ids(n) },
      });
      if (answer.status === 201) {
        fits = n;
        const token = answer.body.token as string;
        expect(token.length - "tmpat_".length).toBeLessThanOrEqual(8192);
        expect((await issuer.call("GET", "/v1/tokens/self", bearer(token))).status).toBe(200);
        expect((await issuer.introspect(token)).active).toBe(true);
        break;
      }
      expect(answer.body.code).toBe("token_too_large");
    }
    expect(fits).toBeGreaterThan(150);
  });

  it("revokes a genuine token over RFC 7009 even when the limit was lowered after it was minted", async () => {
    const sub = nextSubject();
    const big = await issuer.mint({
      subject: sub,
      name: "big",
      scope: ["read_project"],
      permissions: { read_project: ids(100) },
    });
    const lowered = await startLiveIssuer({
      ...issuer.env,
      PORT: "0",
      TOKENMINT_MAX_TOKEN_LENGTH: "2048",
    });
    try {
      expect((await lowered.introspect(big.token)).active).toBe(false);
      const response = await fetch(`${lowered.url}/v1/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: big.token }),
      });
      expect(response.status).toBe(200);
      expect((await issuer.show(big.id)).state).toBe("revoked");
    } finally {
      await lowered.close();
    }
  });
});

/** Whether `token`'s claims are no wider than `start`'s. */
function widerThanStart(start: Record<string, unknown>, token: string): string | undefined {
  const s = claimsOf(start.token as string);
  const t = claimsOf(token);
  const startScope = String(s.scope).split(" ");
  const scope = String(t.scope).split(" ");
  if (scope.some((name) => !startScope.includes(name))) return `scope ${t.scope}`;
  const sp = (s.permissions ?? {}) as Record<string, string[]>;
  const tp = (t.permissions ?? {}) as Record<string, string[]>;
  for (const name of scope) {
    if (!Object.hasOwn(sp, name)) continue;
    const ids = Object.hasOwn(tp, name) ? tp[name] : undefined;
    if (ids === undefined || ids.some((id) => !(sp[name] ?? []).includes(id))) {
      return `permissions ${JSON.stringify(tp)}`;
    }
  }
  const aud = ([] as string[]).concat(t.aud as string | string[]);
  const startAud = ([] as string[]).concat(s.aud as string | string[]);
  if (aud.some((a) => !startAud.includes(a))) return `audience ${aud}`;
  if (s.org !== undefined && t.org !== s.org) return `org ${t.org}`;
  const startIps = s.allowed_ips as string[] | undefined;
  const ips = t.allowed_ips as string[] | undefined;
  if (startIps !== undefined) {
    if (ips === undefined) return "allowed_ips lifted";
    if (ips.some((range) => !rangeInside(range, startIps))) return `allowed_ips ${ips}`;
  }
  const lifetime = t.exp === undefined ? Number.POSITIVE_INFINITY : t.exp - t.iat;
  if (s.exp !== undefined && lifetime > s.exp - s.iat) return `lifetime ${lifetime}`;
  // The start is a pat: it may reach the other self-service kinds, never a platform-only one.
  const kind = String(t.kind ?? "pat");
  if (!SELF_SERVICE_KINDS.includes(kind)) return `kind ${kind}`;
  const prefix = KINDS[kind as keyof typeof KINDS].prefix;
  if (!token.startsWith(prefix)) return `prefix of ${kind}`;
  return undefined;
}

const scopeArb = fc.subarray(SCOPES, { minLength: 1 });
const bodyArb = fc.record(
  {
    name: fc.constantFrom("a", "b"),
    scope: scopeArb,
    permissions: fc.option(
      fc.dictionary(
        fc.constantFrom("read_project", "write_project"),
        fc.subarray(RESOURCES, { minLength: 1 }),
      ),
      { nil: null },
    ),
    audience: fc.subarray([...AUDIENCES, "https://elsewhere.test"], { minLength: 1 }),
    org: fc.constantFrom("acme", "globex"),
    expires_in: fc.constantFrom(300, 600, 1800, 3600, 86400, 31536000),
    expires_at: fc.constantFrom(null, "2999-01-01T00:00:00Z"),
    kind: fc.constantFrom("pat", "deploy", "job"),
    allowed_ips: fc.option(fc.subarray(IPS, { minLength: 1 }), { nil: null }),
  },
  { requiredKeys: [] },
);
const opArb = fc.record({
  kind: fc.constantFrom(
    "mint",
    "mint-kind",
    "patch",
    "rotate",
    "rotate-plain",
    "self-rotate",
    "resume",
    "suspend",
    "revoke",
  ),
  by: fc.nat(),
  target: fc.nat(),
  body: bodyArb,
});

describe("the rule as a property", () => {
  it("no sequence of bearer operations yields a token wider than the one the caller started with", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const sub = nextSubject();
        const start = await issuer.mint({
          subject: sub,
          name: "start",
          scope: ["read_api", "read_project", "manage_tokens"],
          permissions: { read_project: ["p1", "p2"] },
          org: "acme",
          audience: [AUDIENCES[0]],
          allowed_ips: START_IPS,
          expires_in: 3600,
        });
        // Wider siblings the caller may try to take over, one of them suspended, one of a
        // platform-only kind (narrow in every other way).
        const siblings = [
          await issuer.mint({
            subject: sub,
            name: "j",
            kind: "job",
            scope: ["read_api", "manage_tokens"],
            org: "acme",
            audience: [AUDIENCES[0]],
            expires_in: 600,
          }),
          await issuer.mint({ subject: sub, name: "w1", scope: SCOPES, expires_in: 86400 }),
          await issuer.mint({
            subject: sub,
            name: "w2",
            scope: SCOPES,
            org: "acme",
            expires_in: 86400,
          }),
        ];
        await issuer.call("POST", `/v1/tokens/${siblings[2]?.id}/suspend`, CLIENT_AUTH);
        const held = [start];
        const ids = () => [...held.map((t) => t.id), ...siblings.map((t) => t.id)];
        for (const op of ops) {
          const by = held[op.by % held.length] as (typeof held)[number];
          const all = ids();
          const target = all[op.target % all.length] as string;
          const path = {
            mint: ["POST", "/v1/tokens"],
            "mint-kind": ["POST", "/v1/tokens"],
            "rotate-plain": ["POST", `/v1/tokens/${target}/rotate`],
            patch: ["PATCH", `/v1/tokens/${target}`],
            rotate: ["POST", `/v1/tokens/${target}/rotate`],
            "self-rotate": ["POST", "/v1/tokens/self/rotate"],
            resume: ["POST", `/v1/tokens/${target}/resume`],
            suspend: ["POST", `/v1/tokens/${target}/suspend`],
            revoke: ["DELETE", `/v1/tokens/${target}`],
          }[op.kind] as [string, string];
          const body =
            op.kind === "resume" || op.kind === "suspend" || op.kind === "revoke"
              ? undefined
              : op.kind === "mint"
                ? op.body
                : // A request valid in every other way, so that only the kind decides.
                  op.kind === "mint-kind"
                  ? { name: "k", scope: ["read_api"], kind: op.body.kind ?? "job" }
                  : op.kind === "rotate-plain"
                    ? {}
                    : Object.fromEntries(
                        Object.entries(op.body).filter(([k]) => k !== "org" && k !== "kind"),
                      );
          const answer = await issuer.call(path[0], path[1], bearer(by.token), body);
          expect(answer.status).toBeLessThan(500);
          if (typeof answer.body.token === "string") {
            const wider = widerThanStart(start, answer.body.token);
            expect(wider, `${op.kind} gave a wider token: ${wider}`).toBeUndefined();
            held.push(answer.body as (typeof held)[number]);
          }
          if (op.kind === "resume" && answer.status === 200) {
            const revived = siblings.find((s) => s.id === target);
            expect(revived, "a wider sibling was resumed").toBeUndefined();
          }
        }
      }),
      // Shrinking a failure takes many server round trips: stop it after a minute.
      { numRuns: 40, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);

  it("no sequence of bearer operations widens the networks a token may be used from", async () => {
    const ipOpArb = fc.record({
      kind: fc.constantFrom("mint", "patch", "self-rotate", "rotate"),
      by: fc.nat(),
      target: fc.nat(),
      allowed_ips: fc.option(fc.subarray(IPS, { minLength: 1 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(ipOpArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const sub = nextSubject();
        const start = await issuer.mint({
          subject: sub,
          name: "start",
          scope: ["read_api", "manage_tokens"],
          allowed_ips: START_IPS,
          expires_in: 3600,
        });
        const open = await issuer.mint({ subject: sub, name: "open", scope: ["read_api"] });
        const held = [start];
        for (const op of ops) {
          const by = held[op.by % held.length] as (typeof held)[number];
          const targets = [...held.map((t) => t.id), open.id];
          const target = targets[op.target % targets.length] as string;
          const ips = op.allowed_ips === null ? {} : { allowed_ips: op.allowed_ips };
          const [method, path, body] = {
            mint: ["POST", "/v1/tokens", { name: "c", scope: ["read_api"], ...ips }],
            patch: ["PATCH", `/v1/tokens/${target}`, { allowed_ips: op.allowed_ips }],
            "self-rotate": ["POST", "/v1/tokens/self/rotate", undefined],
            rotate: ["POST", `/v1/tokens/${target}/rotate`, undefined],
          }[op.kind] as [string, string, unknown];
          const answer = await issuer.call(method, path, bearer(by.token), body);
          expect(answer.status).toBeLessThan(500);
          if (typeof answer.body.token === "string") {
            const wider = widerThanStart(start, answer.body.token);
            expect(wider, `${op.kind} gave a wider token: ${wider}`).toBeUndefined();
            held.push(answer.body as (typeof held)[number]);
          }
        }
      }),
      { numRuns: 30, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);
});

describe("approval as a dimension of power", () => {
  let approving: LiveIssuer;
  beforeAll(async () => {
    approving = await startLiveIssuer({
      TOKENMINT_ORG_POLICIES: JSON.stringify({ acme: { require_approval: true } }),
    });
  });
  afterAll(async () => {
    await approving.close();
  });

  const approvalOpArb = fc.record({
    kind: fc.constantFrom(
      "mint",
      "patch",
      "rotate",
      "self-rotate",
      "resume",
      "suspend",
      "revoke",
      "approve",
      "deny",
    ),
    by: fc.nat(),
    target: fc.nat(),
    approved: fc.boolean(),
    // Mostly valid requests, so that the operations reach the approval rules.
    body: fc.record(
      {
        name: fc.constantFrom("a", "b"),
        scope: fc.subarray(["read_api", "read_project", "manage_tokens"], { minLength: 1 }),
        audience: fc.constant([AUDIENCES[0] as string]),
        expires_in: fc.constantFrom(300, 600, 1800),
      },
      { requiredKeys: ["scope"] },
    ),
  });

  it("no sequence of bearer operations activates a pending token or yields an unapproved active one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(approvalOpArb, { minLength: 1, maxLength: 10 }), async (ops) => {
        const sub = nextSubject();
        const start = await approving.mint({
          subject: sub,
          name: "start",
          scope: ["read_api", "read_project", "manage_tokens"],
          org: "acme",
          audience: [AUDIENCES[0]],
          expires_in: 3600,
          approved: true,
        });
        // A wide token waiting for approval, and one suspended after its approval.
        const pending = await approving.mint({
          subject: sub,
          name: "pending",
          scope: SCOPES,
          org: "acme",
          expires_in: 3600,
        });
        const suspended = await approving.mint({
          subject: sub,
          name: "suspended",
          scope: ["read_api"],
          org: "acme",
          expires_in: 600,
          approved: true,
        });
        await approving.call("POST", `/v1/tokens/${suspended.id}/suspend`, CLIENT_AUTH);
        // An approved sibling narrower than the caller: a wider PATCH of it must wait again.
        const narrow = await approving.mint({
          subject: sub,
          name: "narrow",
          scope: ["read_api"],
          org: "acme",
          audience: [AUDIENCES[0]],
          expires_in: 300,
          approved: true,
        });
        const known = new Map<string, string>(
          [start, pending, suspended, narrow].map((token) => [token.id, token.token]),
        );
        const held = [start];
        for (const op of ops) {
          const by = held[op.by % held.length] as (typeof held)[number];
          const ids = [...known.keys()];
          const target = ids[op.target % ids.length] as string;
          const path = {
            mint: ["POST", "/v1/tokens"],
            patch: ["PATCH", `/v1/tokens/${target}`],
            rotate: ["POST", `/v1/tokens/${target}/rotate`],
            "self-rotate": ["POST", "/v1/tokens/self/rotate"],
            resume: ["POST", `/v1/tokens/${target}/resume`],
            suspend: ["POST", `/v1/tokens/${target}/suspend`],
            revoke: ["DELETE", `/v1/tokens/${target}`],
            approve: ["POST", `/v1/tokens/${target}/approve`],
            deny: ["POST", `/v1/tokens/${target}/deny`],
          }[op.kind] as [string, string];
          const expiry = op.body.expires_in === undefined ? {} : { expires_in: op.body.expires_in };
          const body =
            op.kind === "mint"
              ? { name: "child", ...op.body, ...(op.approved ? { approved: true } : {}) }
              : op.kind === "patch"
                ? op.body
                : op.kind === "rotate" || op.kind === "self-rotate"
                  ? expiry
                  : undefined;
          const answer = await approving.call(path[0], path[1], bearer(by.token), body);
          expect(answer.status).toBeLessThan(500);
          if (op.kind === "approve" || op.kind === "deny") {
            expect([401, 403]).toContain(answer.status);
          }
          if (op.kind === "mint" && op.approved) expect(answer.status).not.toBe(201);
          if (typeof answer.body.token === "string") {
            const issued = answer.body as (typeof held)[number];
            if (op.kind === "mint" && issued.org === "acme") {
              expect(issued.state, "a self-service child of an acme token").toBe("pending");
            }
            if (issued.state === "active") {
              // Only a rotation keeps an approval, and only within the approved token it replaces.
              expect(op.kind).not.toBe("mint");
              const replaced = known.get(op.kind === "self-rotate" ? by.id : target) as string;
              const wider = widerThanStart({ token: replaced }, issued.token);
              expect(
                wider,
                `${op.kind} kept an approval for a wider token: ${wider}`,
              ).toBeUndefined();
            } else {
              expect((await approving.introspect(issued.token)).active).toBe(false);
            }
            known.set(issued.id, issued.token);
            held.push(issued);
          }
          const waiting = await approving.show(pending.id);
          expect(["pending", "revoked"]).toContain(waiting.state);
          expect((await approving.introspect(pending.token)).active).toBe(false);
        }
      }),
      { numRuns: 30, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);
});
