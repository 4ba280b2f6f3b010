import { describe, expect, it } from "vitest";
import { DEFAULT_SCOPES, parseConfig } from "../src/config/config.js";
import { problemsOf } from "./helpers/config-problems.js";

const KEK = "A".repeat(43);

describe("configuration", () => {
  it("has sane defaults with nothing configured", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      issuer: "http://localhost:8080",
      redis: undefined,
      tokenPrefix: "tmpat_",
      algorithm: "ES256",
      audience: ["http://localhost:8080"],
      scopes: DEFAULT_SCOPES.split(" "),
      lifetime: {
        defaultSeconds: 30 * 86400,
        minSeconds: 300,
        maxSeconds: 365 * 86400,
        allowNonExpiring: false,
      },
      statusList: { size: 131072, ttlSeconds: 60 },
      orgCells: {},
      defaultCell: undefined,
      trustedProxies: [],
    });
  });

  it("parses every variable", () => {
    const config = parseConfig({
      PORT: "9000",
      TOKENMINT_ISSUER: "https://tokens.example.com/",
      REDIS_URL: "redis://127.0.0.1:6379",
      TOKENMINT_CLIENTS: "a:0123456789abcdef, b:fedcba9876543210:with-colon",
      TOKENMINT_ADMIN_CLIENTS: "a",
      TOKENMINT_TOKEN_PREFIX: "",
      TOKENMINT_ALG: "EdDSA",
      TOKENMINT_KEK: `${KEK},${"B".repeat(43)}`,
      TOKENMINT_AUDIENCE: "https://api.example.com https://git.example.com",
      TOKENMINT_SCOPES: "read_api,manage_tokens",
      TOKENMINT_DEFAULT_LIFETIME: "7d",
      TOKENMINT_MIN_LIFETIME: "10m",
      TOKENMINT_MAX_LIFETIME: "90d",
      TOKENMINT_ORG_CELLS: "acme=eu-1,globex=us-2",
      TOKENMINT_DEFAULT_CELL: "eu-0",
      TOKENMINT_TRUSTED_PROXIES: "10.0.0.7/8 fd00::1/8,192.0.2.1",
    });
    expect(config).toMatchObject({
      port: 9000,
      issuer: "https://tokens.example.com",
      clients: [
        { id: "a", secret: "0123456789abcdef" },
        { id: "b", secret: "fedcba9876543210:with-colon" },
      ],
      adminClients: ["a"],
      tokenPrefix: "",
      algorithm: "EdDSA",
      keks: [KEK, "B".repeat(43)],
      audience: ["https://api.example.com", "https://git.example.com"],
      scopes: ["read_api", "manage_tokens"],
      lifetime: { defaultSeconds: 7 * 86400, minSeconds: 600, maxSeconds: 90 * 86400 },
      orgCells: { acme: "eu-1", globex: "us-2" },
      defaultCell: "eu-0",
      trustedProxies: ["10.0.0.0/8", "fd00::/8", "192.0.2.1/32"],
    });
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ TOKENMINT_ALG: "HS256" }, "TOKENMINT_ALG"],
    [{ TOKENMINT_ISSUER: "ftp://x" }, "TOKENMINT_ISSUER"],
    [{ REDIS_URL: "http://localhost" }, "REDIS_URL"],
    [{ TOKENMINT_CLIENTS: "nosecret" }, "TOKENMINT_CLIENTS"],
    [{ TOKENMINT_CLIENTS: "a:short" }, "TOKENMINT_CLIENTS"],
    [{ TOKENMINT_KEK: "too-short" }, "TOKENMINT_KEK"],
    [{ TOKENMINT_TOKEN_PREFIX: "bad prefix" }, "TOKENMINT_TOKEN_PREFIX"],
    [{ TOKENMINT_DEFAULT_LIFETIME: "forever" }, "TOKENMINT_DEFAULT_LIFETIME"],
    [{ TOKENMINT_MIN_LIFETIME: "2d", TOKENMINT_MAX_LIFETIME: "1d" }, "TOKENMINT_MIN_LIFETIME"],
    [{ TOKENMINT_ORG_CELLS: "acme" }, "TOKENMINT_ORG_CELLS"],
    [{ TOKENMINT_SCOPES: "read_api" }, "TOKENMINT_SCOPES"],
    [{ REDIS_URL: "redis://localhost" }, "TOKENMINT_KEK"],
    [{ REDIS_URL: "redis://localhost", TOKENMINT_KEK: KEK }, "TOKENMINT_CLIENTS"],
    [
      { TOKENMINT_CLIENTS: "a:0123456789abcdef", TOKENMINT_ADMIN_CLIENTS: "b" },
      "TOKENMINT_ADMIN_CLIENTS",
    ],
    [{ TOKENMINT_STATUS_LIST_SIZE: "10" }, "TOKENMINT_STATUS_LIST_SIZE"],
    [{ TOKENMINT_TRUSTED_PROXIES: "10.0.0.0/8,lb.internal" }, "TOKENMINT_TRUSTED_PROXIES"],
  ])("refuses %j naming %s", (env, variable) => {
    const problems = problemsOf(env as Record<string, string>);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((problem) => problem.startsWith(`${variable}:`))).toBe(true);
  });

  it("never echoes a secret value in its message", () => {
    const problems = problemsOf({ TOKENMINT_KEK: "my-super-secret-kek" });
    expect(problems.join("\n")).not.toContain("my-super-secret-kek");
  });
});

describe("TOKENMINT_TOKEN_KINDS", () => {
  const kinds = (value: unknown) => problemsOf({ TOKENMINT_TOKEN_KINDS: JSON.stringify(value) });

  it("defaults to one kind, pat, with TOKENMINT_TOKEN_PREFIX", () => {
    const config = parseConfig({ TOKENMINT_TOKEN_PREFIX: "acme_" });
    expect([...config.kinds.values()]).toEqual([
      {
        name: "pat",
        prefix: "acme_",
        scopes: config.scopes,
        lifetime: {},
        selfService: true,
        trackUsage: true,
      },
    ]);
    expect(config.tokenPrefix).toBe("acme_");
  });

  it("parses kinds with their defaults, and per-org kinds", () => {
    const config = parseConfig({
      TOKENMINT_TOKEN_KINDS: JSON.stringify({
        pat: {},
        deploy: { prefix: "tmdt_", scopes: ["read_repository"], max_lifetime: "90d" },
        job: { prefix: "tmjob_", max_lifetime: 7200, self_service: false, track_usage: false },
      }),
      TOKENMINT_ORG_POLICIES: JSON.stringify({ acme: { kinds: ["pat", "deploy"] } }),
    });
    expect(config.kinds.get("pat")?.prefix).toBe("tmpat_");
    expect(config.kinds.get("deploy")).toMatchObject({
      scopes: ["read_repository"],
      lifetime: { maxSeconds: 90 * 86400 },
      selfService: true,
    });
    expect(config.kinds.get("job")).toMatchObject({
      lifetime: { maxSeconds: 7200 },
      selfService: false,
      trackUsage: false,
    });
    expect(config.orgKindRules.get("acme")).toEqual({ kinds: ["pat", "deploy"] });
  });

  it.each([
    [{ deploy: { prefix: "tmdt_" } }, "must define pat"],
    [{ pat: {}, deploy: {} }, "deploy: a prefix is required"],
    [{ pat: {}, deploy: { prefix: "tmpat_" } }, "pat and deploy have the same prefix tmpat_"],
    [
      { pat: { prefix: "tm_" }, deploy: { prefix: "tm_dt_" } },
      'the prefix "tm_" of pat is a prefix',
    ],
    [{ pat: { prefix: "" }, deploy: { prefix: "tmdt_" } }, 'the prefix "" of pat is a prefix'],
    [{ pat: {}, deploy: { prefix: "tm-dt" } }, "TOKENMINT_TOKEN_KINDS.deploy.prefix"],
    [{ pat: {}, Deploy: { prefix: "tmdt_" } }, "TOKENMINT_TOKEN_KINDS.Deploy"],
    [{ pat: { scopes: ["sudo"] } }, "scopes not in TOKENMINT_SCOPES: sudo"],
    [{ pat: { min_lifetime: "2d", max_lifetime: "1d" } }, "min_lifetime must not exceed"],
    [{ pat: { min_lifetime: "10s" } }, "min_lifetime must be 60 s or more"],
    [{ pat: { default_lifetime: "2d", max_lifetime: "1d" } }, "default_lifetime must lie"],
    [{ pat: { colour: "red" } }, "TOKENMINT_TOKEN_KINDS.pat"],
  ])("refuses %j with a clear message", (value, message) => {
    const problems = kinds(value);
    expect(problems.some((problem) => problem.includes(message))).toBe(true);
    expect(problems.every((problem) => problem.startsWith("TOKENMINT_TOKEN_KINDS"))).toBe(true);
  });

  it("refuses an org policy naming an unknown kind", () => {
    expect(
      problemsOf({ TOKENMINT_ORG_POLICIES: JSON.stringify({ acme: { kinds: ["deploy"] } }) }),
    ).toEqual(["TOKENMINT_ORG_POLICIES: acme: unknown kinds: deploy"]);
  });
});
