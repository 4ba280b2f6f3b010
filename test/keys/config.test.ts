/**
 * The key-rotation and Redis deployment settings: defaults, validation messages that name the
 * variable, and the pre-publication minimum derived from the cache bounds it must outlast.
 */
import { JWKS_DEFAULTS } from "@tokenmint/verifier";
import { describe, expect, it } from "vitest";
import { MIN_PREPUBLICATION_SECONDS, parseConfig } from "../../src/config/config.js";
import { JWKS_MAX_AGE } from "../../src/http/routes/public.js";
import { DEFAULT_KEY_REFRESH_MS } from "../../src/keys/keyring.js";
import { problemsOf } from "../helpers/config-problems.js";

const KEK = "A".repeat(43);
const CLIENTS = "svc:svc-secret-0123456789abcdef";

describe("key rotation settings", () => {
  it("default to a 30-day period, a 1-hour pre-publication window and 5 minutes of tolerance", () => {
    expect(parseConfig({}).keyRotation).toEqual({
      periodSeconds: 30 * 86400,
      prepublicationSeconds: 3600,
      clockToleranceSeconds: 300,
    });
    expect(
      parseConfig({ TOKENMINT_KEY_ROTATION_PERIOD: "0", TOKENMINT_KEY_PREPUBLICATION: "335" })
        .keyRotation,
    ).toMatchObject({ periodSeconds: 0, prepublicationSeconds: 335 });
  });

  it("need a pre-publication window that outlasts the keyring, JWKS and verifier caches", () => {
    expect(MIN_PREPUBLICATION_SECONDS).toBe(
      DEFAULT_KEY_REFRESH_MS / 1000 + JWKS_MAX_AGE + JWKS_DEFAULTS.cooldownSeconds,
    );
    expect(problemsOf({ TOKENMINT_KEY_PREPUBLICATION: "334" })).toEqual([
      expect.stringMatching(/^TOKENMINT_KEY_PREPUBLICATION: at least 335 seconds/),
    ]);
    expect(problemsOf({ TOKENMINT_KEY_ROTATION_PERIOD: "30m" })).toEqual([
      "TOKENMINT_KEY_ROTATION_PERIOD: 0 (off) or at least TOKENMINT_KEY_PREPUBLICATION",
    ]);
    expect(problemsOf({ TOKENMINT_KEY_CLOCK_TOLERANCE: "soon" })).toEqual([
      expect.stringMatching(/^TOKENMINT_KEY_CLOCK_TOLERANCE: /),
    ]);
  });
});

describe("Redis deployment settings", () => {
  it("take a cluster's nodes or sentinels, each with the KEK and clients required", () => {
    const cluster = parseConfig({
      REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-2.internal:7001,[::1]:7002",
      REDIS_PASSWORD: "pw",
      TOKENMINT_KEK: KEK,
      TOKENMINT_CLIENTS: CLIENTS,
    });
    expect(cluster.redis).toEqual({
      clusterNodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "redis-2.internal", port: 7001 },
        { host: "::1", port: 7002 },
      ],
    });
    expect(cluster.redisAuth).toEqual({ password: "pw" });
    expect(
      parseConfig({
        REDIS_SENTINELS: "s1:26379,s2:26379",
        REDIS_SENTINEL_NAME: "tokenmint",
        TOKENMINT_KEK: KEK,
        TOKENMINT_CLIENTS: CLIENTS,
      }).redis,
    ).toEqual({
      sentinels: [
        { host: "s1", port: 26379 },
        { host: "s2", port: 26379 },
      ],
      sentinelName: "tokenmint",
    });
    expect(parseConfig({}).redis).toBeUndefined();
  });

  it("name the variable that is wrong", () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: "10.0.0.1" })).toEqual([
      "REDIS_CLUSTER_NODES: expected comma-separated host:port pairs",
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "a:1", TOKENMINT_CLIENTS: CLIENTS })).toEqual([
      "TOKENMINT_KEK: required when REDIS_CLUSTER_NODES is set (private keys are stored encrypted)",
    ]);
    expect(
      problemsOf({ REDIS_SENTINELS: "s:26379", TOKENMINT_KEK: KEK, TOKENMINT_CLIENTS: CLIENTS }),
    ).toEqual(["REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the monitored primary)"]);
    expect(
      problemsOf({
        REDIS_URL: "redis://localhost",
        REDIS_CLUSTER_NODES: "a:1",
        TOKENMINT_KEK: KEK,
        TOKENMINT_CLIENTS: CLIENTS,
      }),
    ).toEqual([
      "REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS",
    ]);
  });
});
