/**
 * The verifier and its Hono middleware with token kinds: every configured prefix is accepted, a
 * token whose prefix does not match its `kind` claim is refused, `kinds` limits what a verifier
 * (or one route) accepts, and tokens without a `kind` claim are `pat`.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  requireToken,
  type TokenVariables,
} from "../../packages/verifier/src/hono/require-token.js";
import { splitTokenPrefix } from "../../packages/verifier/src/jwt/token-kind.js";
import { codeOf, type FakeIssuer, withFakeIssuer } from "./fake-issuer.js";

let issuer: FakeIssuer;
withFakeIssuer((created) => {
  issuer = created;
});

const PREFIXES = { pat: "tmpat_", deploy: "tmdt_", job: "tmjob_" };

describe("verify with prefixes", () => {
  it("accepts each kind under its own prefix, and a token without kind claim as pat", async () => {
    const verifier = issuer.verifier({ prefixes: PREFIXES });
    for (const [kind, prefix] of Object.entries(PREFIXES)) {
      const token = await issuer.token({ kind }, {}, undefined, prefix);
      expect((await verifier.verify(token)).kind).toBe(kind);
    }
    const old = await issuer.token({}, {}, undefined, "tmpat_");
    expect((await verifier.verify(old)).kind).toBeUndefined();
  });

  it("refuses a prefix that does not match the kind claim, and an unknown prefix", async () => {
    const verifier = issuer.verifier({ prefixes: PREFIXES });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ kind: "deploy" }, "tmpat_", "claim_invalid"],
      [{ kind: "pat" }, "tmdt_", "claim_invalid"],
      [{}, "tmjob_", "claim_invalid"],
      [{ kind: "robot" }, "tmpat_", "claim_invalid"],
      [{ kind: 7 }, "tmpat_", "claim_invalid"],
      [{ kind: "pat" }, "ghp_", "token_malformed"],
      [{ kind: "pat" }, "", "token_malformed"],
    ];
    for (const [claims, prefix, code] of cases) {
      const token = await issuer.token(claims, {}, undefined, prefix);
      expect([claims, prefix, await codeOf(verifier.verify(token))]).toEqual([
        claims,
        prefix,
        code,
      ]);
    }
  });

  it("accepts only the kinds named by `kinds`, also from its cache", async () => {
    const verifier = issuer.verifier({ prefixes: PREFIXES, kinds: ["deploy"] });
    const deploy = await issuer.token({ kind: "deploy" }, {}, undefined, "tmdt_");
    const pat = await issuer.token({ kind: "pat" }, {}, undefined, "tmpat_");
    expect(await codeOf(verifier.verify(deploy))).toBe("ok");
    expect(await codeOf(verifier.verify(pat))).toBe("kind_not_accepted");
    expect(await codeOf(verifier.verify(pat))).toBe("kind_not_accepted");
    expect(verifier.verifyCached?.(pat)).toBeUndefined();
  });

  it("keeps `prefix` for one kind: `{ pat: prefix }`", async () => {
    const verifier = issuer.verifier({ prefix: "acme_" });
    expect(await codeOf(verifier.verify(await issuer.token({}, {}, undefined, "acme_")))).toBe(
      "ok",
    );
    const deploy = await issuer.token({ kind: "deploy" }, {}, undefined, "acme_");
    expect(await codeOf(verifier.verify(deploy))).toBe("claim_invalid");
  });

  it.each([
    [{ prefixes: { pat: "tm_", deploy: "tm_dt_" } }, /prefixes: the prefix "tm_" of pat/],
    [{ prefixes: { pat: "tmpat_", deploy: "tmpat_" } }, /same prefix/],
    [{ prefixes: {} }, /at least one kind/],
    [{ prefix: "tmpat_", prefixes: PREFIXES }, /give one, not both/],
    [{ prefixes: PREFIXES, kinds: ["robot"] }, /kinds: /],
    [{ prefixes: PREFIXES, kinds: [] }, /kinds: /],
  ])("refuses the options %j", (options, message) => {
    expect(() => issuer.verifier(options)).toThrow(message);
  });

  it("splits a token at the longest matching prefix", () => {
    expect(splitTokenPrefix("tmdt_a.b.c", PREFIXES)).toEqual({ kind: "deploy", rest: "a.b.c" });
    expect(splitTokenPrefix("x_a.b.c", PREFIXES)).toBeUndefined();
  });
});

describe("requireToken({ kinds })", () => {
  function app() {
    const verifier = issuer.verifier({ prefixes: PREFIXES });
    const hono = new Hono<{ Variables: TokenVariables }>();
    hono.get("/deploy", requireToken({ verifier, kinds: ["deploy"] }), (c) =>
      c.json({ kind: c.get("tokenClaims").kind }),
    );
    hono.get("/any", requireToken({ verifier }), (c) => c.json({ sub: c.get("tokenClaims").sub }));
    return hono;
  }
  const get = (hono: Hono<{ Variables: TokenVariables }>, path: string, token: string) =>
    hono.request(path, { headers: { authorization: `Bearer ${token}` } });

  it("lets the named kinds through and answers 403 insufficient_scope to the others", async () => {
    const hono = app();
    const deploy = await issuer.token({ kind: "deploy" }, {}, undefined, "tmdt_");
    const pat = await issuer.token({ kind: "pat" }, {}, undefined, "tmpat_");
    const ok = await get(hono, "/deploy", deploy);
    expect([ok.status, await ok.json()]).toEqual([200, { kind: "deploy" }]);
    // Twice: the second answer comes from the verifier's cache.
    for (let i = 0; i < 2; i++) {
      const refused = await get(hono, "/deploy", pat);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
      expect(await refused.json()).toMatchObject({ code: "insufficient_scope" });
    }
    expect((await get(hono, "/any", pat)).status).toBe(200);
    const swapped = await get(hono, "/any", `tmdt_${pat.slice("tmpat_".length)}`);
    expect([swapped.status, ((await swapped.json()) as { code: string }).code]).toEqual([
      401,
      "claim_invalid",
    ]);
  });

  it("refuses bad kinds options at creation", () => {
    const verifier = issuer.verifier();
    expect(() => requireToken({ verifier, kinds: [] })).toThrow(/kinds/);
    expect(() => requireToken({ verifier, kinds: [""] })).toThrow(/kinds/);
  });
});
