/**
 * The issuer's configuration, read from environment variables (Node `process.env` or Worker
 * bindings) and validated once at start-up with zod. A bad value stops the process with a message
 * that names the variable.
 *
 * @example
 * ```ts
 * const config = parseConfig(process.env);
 * ```
 * @module
 */

import { z } from "zod";
import { cidrList } from "./cidr-list.js";
import { parseDurationSeconds } from "./duration.js";
import { durationValue, jsonObject } from "./json-values.js";
import { type HostPort, parseHostPorts, type RedisAuth, type RedisTarget } from "./redis-target.js";
import { type ScannerKey, secretScanningKeys } from "./secret-scanning-keys.js";
import {
  maxConnections,
  type ServerLimits,
  serverLimitsProblem,
  timeoutSeconds,
} from "./server-limits.js";
import { resolveTokenKinds, type TokenKinds, tokenKindsVariable } from "./token-kinds.js";
import { type ConfiguredWebhook, configuredWebhooks } from "./webhooks-config.js";

/** The signing algorithms the issuer can use. */
export const SIGNING_ALGORITHMS = ["ES256", "EdDSA", "RS256", "PS256"] as const;
/** One of {@link SIGNING_ALGORITHMS}. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The scopes known by default; `manage_tokens` lets a user's token manage that user's tokens. */
export const DEFAULT_SCOPES =
  "api read_api read_user read_repository write_repository read_registry write_registry read_project write_project manage_tokens";

/** Plain-words descriptions of the default scopes, shown next to each scope on the page. */
export const DEFAULT_SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  api: "Full read and write access to the API",
  read_api: "Read-only access to the API",
  read_user: "Read your profile",
  read_repository: "Read (pull) repositories",
  write_repository: "Read and write (push) repositories",
  read_registry: "Pull from the package and container registries",
  write_registry: "Push to the package and container registries",
  read_project: "Read projects",
  write_project: "Create and change projects",
  manage_tokens: "List, create, rotate and revoke your own tokens (signs in to this page)",
};

/** A configured service client (a platform backend allowed to mint for its users). */
export interface ServiceClient {
  readonly id: string;
  readonly secret: string;
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parseDurationSeconds(value);
      if (seconds === undefined) {
        ctx.addIssue({ code: "custom", message: "expected seconds or a number with s, m, h or d" });
        return z.NEVER;
      }
      return seconds;
    });

const csv = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(/[\s,]+/)
      .map((part) => part.trim())
      .filter(Boolean),
  );

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

const clients = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const list: ServiceClient[] = [];
    for (const entry of value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)) {
      const colon = entry.indexOf(":");
      const id = entry.slice(0, colon);
      const secret = entry.slice(colon + 1);
      if (colon < 1 || !CLIENT_ID.test(id) || secret.length < 16) {
        ctx.addIssue({
          code: "custom",
          message: "expected comma-separated id:secret pairs (secret at least 16 characters)",
        });
        return z.NEVER;
      }
      list.push({ id, secret });
    }
    return list;
  });

const orgCells = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const map: Record<string, string> = {};
    for (const entry of value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [org, cell, extra] = entry.split("=");
      if (!org || !cell || extra !== undefined) {
        ctx.addIssue({ code: "custom", message: "expected comma-separated org=cell pairs" });
        return z.NEVER;
      }
      map[org] = cell;
    }
    return map;
  });

const boolean = z
  .enum(["true", "false", "1", "0", ""])
  .default("false")
  .transform((value) => value === "true" || value === "1");

/** Like `boolean`, but on unless set to `false` or `0`. */
const enabledByDefault = z
  .enum(["true", "false", "1", "0", ""])
  .default("true")
  .transform((value) => value !== "false" && value !== "0");

const KEK = /^[A-Za-z0-9_-]{43}$/;

const orgPolicies = jsonObject(
  z.record(
    z.string().min(1),
    z.strictObject({
      min_lifetime: durationValue.optional(),
      max_lifetime: durationValue.optional(),
      allow_non_expiring: z.boolean().optional(),
      require_approval: z.boolean().optional(),
      kinds: z.array(z.string().min(1)).min(1).optional(),
    }),
  ),
  "a JSON object",
);

// Descriptions of scopes as a JSON object; they add to (and override) the built-in ones.
const scopeDescriptions = jsonObject(
  z.record(z.string().min(1), z.string().trim().min(1).max(200)),
  "a JSON object of scope: description",
);

const hostPorts = z
  .string()
  .default("")
  .transform((value, ctx): HostPort[] => {
    const nodes = parseHostPorts(value);
    if (!nodes) {
      ctx.addIssue({ code: "custom", message: "expected comma-separated host:port pairs" });
      return z.NEVER;
    }
    return nodes;
  });

/**
 * The shortest pre-publication window: a `next` key must be in every instance's JWKS (keyring
 * refresh bound, 5 s) and then in every verifier's cached copy (JWKS max age 300 s, plus the
 * verifier's 30 s refetch cooldown after a failed fetch) before it signs: 5 + 300 + 30 s.
 */
export const MIN_PREPUBLICATION_SECONDS = 335;

const noticeOffsets = z
  .string()
  .default("7d,1d")
  .transform((value, ctx) => {
    const offsets = value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .map(parseDurationSeconds);
    if (offsets.some((offset) => offset === undefined || offset <= 0)) {
      ctx.addIssue({ code: "custom", message: "expected comma-separated durations such as 7d,1d" });
      return z.NEVER;
    }
    return [...new Set(offsets as number[])].sort((a, b) => b - a);
  });

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  TOKENMINT_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,32}$/)
    .default("tm:"),
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60000).default(2000),
  REDIS_CLUSTER_NODES: hostPorts,
  REDIS_SENTINELS: hostPorts,
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "letters, digits, '.', '_' and '-' only")
    .optional(),
  REDIS_USERNAME: z.string().min(1).max(256).optional(),
  REDIS_PASSWORD: z.string().min(1).max(1024).optional(),
  // Replicas that must hold a revocation before it is acknowledged (see README, "Durability").
  REDIS_WAIT_REPLICAS: z
    .union([z.literal("auto"), z.coerce.number().int().min(0).max(100)])
    .default("auto"),
  // Default: 1000, or half of REDIS_TIMEOUT_MS when that is shorter (the wait is one command).
  REDIS_WAIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60000).optional(),
  TOKENMINT_CLIENTS: clients,
  TOKENMINT_ADMIN_CLIENTS: csv,
  TOKENMINT_TOKEN_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]{0,16}$/, "letters, digits and _ only, at most 16")
    .default("tmpat_"),
  TOKENMINT_TOKEN_KINDS: tokenKindsVariable,
  TOKENMINT_ALG: z.enum(SIGNING_ALGORITHMS).default("ES256"),
  TOKENMINT_KEK: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const keys = value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
      if (keys.some((key) => !KEK.test(key))) {
        ctx.addIssue({
          code: "custom",
          message: "expected comma-separated keys of 32 random bytes in base64url (43 characters)",
        });
        return z.NEVER;
      }
      return keys;
    }),
  TOKENMINT_AUDIENCE: csv,
  TOKENMINT_SCOPES: z
    .string()
    .default(DEFAULT_SCOPES)
    .transform((value) => [...new Set(value.split(/[\s,]+/).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/)).min(1)),
  TOKENMINT_SCOPE_DESCRIPTIONS: scopeDescriptions,
  TOKENMINT_DEFAULT_LIFETIME: duration("30d"),
  TOKENMINT_MIN_LIFETIME: duration("5m"),
  TOKENMINT_MAX_LIFETIME: duration("365d"),
  TOKENMINT_ALLOW_NON_EXPIRING: boolean,
  TOKENMINT_RETENTION: duration("7d"),
  TOKENMINT_ORG_CELLS: orgCells,
  TOKENMINT_DEFAULT_CELL: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  TOKENMINT_STATUS_LIST_SIZE: z.coerce
    .number()
    .int()
    .min(16)
    .max(1 << 24)
    .default(1 << 17),
  TOKENMINT_STATUS_LIST_TTL: duration("60"),
  TOKENMINT_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1048576).default(16384),
  TOKENMINT_MAX_TOKEN_LENGTH: z.coerce.number().int().min(1024).max(16000).default(8192),
  TOKENMINT_HEADERS_TIMEOUT: timeoutSeconds("10s"),
  TOKENMINT_REQUEST_TIMEOUT: timeoutSeconds("30s"),
  TOKENMINT_MAX_CONNECTIONS: maxConnections(10000),
  TOKENMINT_TRUSTED_PROXIES: cidrList,
  TOKENMINT_ORG_POLICIES: orgPolicies,
  TOKENMINT_MAX_TOKENS_PER_SUBJECT: z.coerce.number().int().min(1).max(100000).default(300),
  TOKENMINT_MINT_RATE_PER_SUBJECT: z.coerce.number().int().min(1).max(1000000).default(60),
  TOKENMINT_MINT_RATE_PER_CLIENT: z.coerce.number().int().min(1).max(1000000).default(6000),
  TOKENMINT_EXPIRY_NOTICES: noticeOffsets,
  TOKENMINT_REVOKE_UNUSED_AFTER: duration("0"),
  TOKENMINT_SECRET_SCANNING_KEYS: secretScanningKeys,
  TOKENMINT_AUDIT_MAX_EVENTS: z.coerce.number().int().min(100).max(100000000).default(100000),
  TOKENMINT_KEY_ROTATION_PERIOD: duration("30d"),
  TOKENMINT_KEY_PREPUBLICATION: duration("1h"),
  TOKENMINT_KEY_CLOCK_TOLERANCE: duration("5m"),
  TOKENMINT_DOCS: enabledByDefault,
  TOKENMINT_UI: enabledByDefault,
  TOKENMINT_UI_SESSION_TTL: duration("1h"),
  TOKENMINT_METRICS: boolean,
  TOKENMINT_METRICS_TOKEN: z.string().min(16).max(256).optional(),
  TOKENMINT_WEBHOOKS: configuredWebhooks,
  TOKENMINT_WEBHOOKS_ALLOW_INSECURE: boolean,
  TOKENMINT_WEBHOOKS_RETRY_FOR: duration("1d"),
  TOKENMINT_WEBHOOKS_RETRY_BASE: duration("10s"),
  TOKENMINT_WEBHOOKS_TIMEOUT: duration("10s"),
});

/** The name of an issuer configuration variable. */
export type IssuerVariable = keyof typeof environmentSchema.shape;

/**
 * The schema of one issuer variable (for the configuration page and its test).
 *
 * @example
 * ```ts
 * issuerVariableSchema("TOKENMINT_MAX_LIFETIME").parse("365d"); // 31536000
 * ```
 */
export function issuerVariableSchema(name: IssuerVariable): z.ZodType {
  return environmentSchema.shape[name];
}

/** Lifetime rules: the global policy, or an organization's. */
export interface LifetimePolicy {
  readonly defaultSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly allowNonExpiring: boolean;
}

/** What an organization's policy says about token kinds. */
export interface OrgKindRules {
  /** The kinds the org allows (`kinds`); absent: every kind. */
  readonly kinds?: readonly string[];
  /** `allow_non_expiring` when the org's policy sets it (it then binds a kind that allows it). */
  readonly allowNonExpiring?: boolean;
}

/** When signing keys rotate and how long they stay published (seconds). */
export interface KeyRotationPolicy {
  /** How long a key signs before the scheduled rotation; 0 turns scheduled rotation off. */
  readonly periodSeconds: number;
  /** How long a `next` key is published before it may sign (at least 335 s). */
  readonly prepublicationSeconds: number;
  /** Extra time a retired key stays published after its last token expired (clock skew). */
  readonly clockToleranceSeconds: number;
}

/** The validated configuration the app is built from. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  /** The Redis deployment (`REDIS_URL`, `REDIS_CLUSTER_NODES` or `REDIS_SENTINELS`), if any. */
  readonly redis: RedisTarget | undefined;
  /** Node credentials for Cluster and Sentinel (`REDIS_USERNAME`, `REDIS_PASSWORD`). */
  readonly redisAuth: RedisAuth;
  readonly redisPrefix: string;
  readonly redisTimeoutMs: number;
  /**
   * Replicas that must acknowledge a revocation-class write (`REDIS_WAIT_REPLICAS`): a number,
   * or `auto` (one when the primary has a replica, none on a lone primary).
   */
  readonly redisWaitReplicas: "auto" | number;
  /** How long such a write waits for them (`REDIS_WAIT_TIMEOUT_MS`), below `redisTimeoutMs`. */
  readonly redisWaitTimeoutMs: number;
  readonly clients: readonly ServiceClient[];
  readonly adminClients: readonly string[];
  /** The prefix of the default kind, `pat` (`TOKENMINT_TOKEN_PREFIX` unless a kind sets it). */
  readonly tokenPrefix: string;
  /** The kinds of token minted (`TOKENMINT_TOKEN_KINDS`; default `pat` alone). */
  readonly kinds: TokenKinds;
  readonly algorithm: SigningAlgorithm;
  /** Key-encryption keys, newest (used to encrypt) first. */
  readonly keks: readonly string[];
  readonly audience: readonly string[];
  readonly scopes: readonly string[];
  /** What each known scope allows, in plain words (`TOKENMINT_SCOPE_DESCRIPTIONS` over defaults). */
  readonly scopeDescriptions: ReadonlyMap<string, string>;
  readonly lifetime: LifetimePolicy;
  /** Per-organization overrides of the lifetime policy. */
  readonly orgLifetimes: ReadonlyMap<string, LifetimePolicy>;
  /** Organizations whose new tokens wait for approval (`"require_approval": true`). */
  readonly approvalOrgs: ReadonlySet<string>;
  /** Per-organization rules on kinds: which kinds the org allows, and its explicit non-expiry rule. */
  readonly orgKindRules: ReadonlyMap<string, OrgKindRules>;
  readonly maxTokensPerSubject: number;
  /** Mints (and rotations) allowed per minute, per subject and per service client. */
  readonly mintRate: { readonly perSubject: number; readonly perClient: number };
  /** Seconds before expiry at which a `token.expiring` event is produced, largest first. */
  readonly expiryNotices: readonly number[];
  /**
   * Seconds without use (counted from creation for a token never used) after which a token is
   * revoked with reason `unused`; null when off (`TOKENMINT_REVOKE_UNUSED_AFTER`).
   */
  readonly revokeUnusedAfter: number | null;
  /** The secret scanner's public keys (`TOKENMINT_SECRET_SCANNING_KEYS`); empty: none accepted. */
  readonly secretScanningKeys: readonly ScannerKey[];
  readonly auditMaxEvents: number;
  readonly retentionSeconds: number;
  readonly orgCells: Readonly<Record<string, string>>;
  readonly defaultCell: string | undefined;
  readonly statusList: { readonly size: number; readonly ttlSeconds: number };
  readonly maxBodyBytes: number;
  /** The longest token, prefix excluded, that the issuer hands out and accepts. */
  readonly maxTokenLength: number;
  /** Node only: the HTTP server's timeouts and connection cap (`TOKENMINT_HEADERS_TIMEOUT`, ...). */
  readonly server: ServerLimits;
  /**
   * Proxies (normalized CIDRs) whose `X-Forwarded-For` is believed when they connect; empty: the
   * header is ignored and the connection's peer is the client.
   */
  readonly trustedProxies: readonly string[];
  readonly keyRotation: KeyRotationPolicy;
  /** `GET /openapi.json` and `GET /docs` (`TOKENMINT_DOCS`). */
  readonly docs: boolean;
  /** The token-management page at `/ui` (`TOKENMINT_UI`) and its session lifetime in seconds. */
  readonly ui: { readonly enabled: boolean; readonly sessionSeconds: number };
  /** `GET /metrics` (`TOKENMINT_METRICS`), optionally behind a bearer secret. */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined };
  readonly webhooks: WebhookSettings;
}

/** Webhook delivery (`TOKENMINT_WEBHOOKS*`). */
export interface WebhookSettings {
  /** The configured webhooks (API-defined ones are in the store). */
  readonly configured: readonly ConfiguredWebhook[];
  /** Allow `http` and loopback or private targets (development and tests only). */
  readonly allowInsecure: boolean;
  /** How long a delivery is retried before it is kept as failed (seconds). */
  readonly retryForSeconds: number;
  /** The first retry's delay bound; each further retry doubles it (seconds, full jitter). */
  readonly retryBaseSeconds: number;
  /** How long one attempt may take, connection to last byte read (seconds). */
  readonly timeoutSeconds: number;
}

/** Thrown when the environment does not describe a valid configuration. */
export class ConfigError extends Error {
  /** One line per invalid variable, each naming it. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/**
 * Validates an environment record and returns the issuer's configuration.
 *
 * @throws {ConfigError} naming every variable that is wrong.
 * @example
 * ```ts
 * const config = parseConfig({ PORT: "8080", TOKENMINT_ALG: "EdDSA" });
 * ```
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(
      ([key, value]) =>
        key in environmentSchema.shape &&
        value !== undefined &&
        (value !== "" || key === "TOKENMINT_TOKEN_PREFIX"),
    ),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const redis = redisTarget(e, problems);
  const redisNamed = e.REDIS_URL
    ? "REDIS_URL"
    : e.REDIS_CLUSTER_NODES.length > 0
      ? "REDIS_CLUSTER_NODES"
      : "REDIS_SENTINELS";
  if (redis && e.TOKENMINT_KEK.length === 0) {
    problems.push(
      `TOKENMINT_KEK: required when ${redisNamed} is set (private keys are stored encrypted)`,
    );
  }
  const redisWaitTimeoutMs =
    e.REDIS_WAIT_TIMEOUT_MS ?? Math.min(1000, Math.floor(e.REDIS_TIMEOUT_MS / 2));
  if (redisWaitTimeoutMs >= e.REDIS_TIMEOUT_MS) {
    problems.push(
      "REDIS_WAIT_TIMEOUT_MS: must be below REDIS_TIMEOUT_MS (the wait is one command)",
    );
  }
  if (redis && e.TOKENMINT_CLIENTS.length === 0) {
    problems.push(`TOKENMINT_CLIENTS: required when ${redisNamed} is set`);
  }
  if (e.TOKENMINT_KEY_PREPUBLICATION < MIN_PREPUBLICATION_SECONDS) {
    problems.push(
      `TOKENMINT_KEY_PREPUBLICATION: at least ${MIN_PREPUBLICATION_SECONDS} seconds (keyring refresh 5 s + JWKS max age 300 s + verifier cooldown 30 s)`,
    );
  }
  if (
    e.TOKENMINT_KEY_ROTATION_PERIOD !== 0 &&
    e.TOKENMINT_KEY_ROTATION_PERIOD < e.TOKENMINT_KEY_PREPUBLICATION
  ) {
    problems.push(
      "TOKENMINT_KEY_ROTATION_PERIOD: 0 (off) or at least TOKENMINT_KEY_PREPUBLICATION",
    );
  }
  if (e.TOKENMINT_UI_SESSION_TTL < 60 || e.TOKENMINT_UI_SESSION_TTL > 86400) {
    problems.push("TOKENMINT_UI_SESSION_TTL: between 60 seconds and 1 day");
  }
  if (!e.TOKENMINT_WEBHOOKS_ALLOW_INSECURE) {
    for (const hook of e.TOKENMINT_WEBHOOKS) {
      if (!hook.url.startsWith("https:")) {
        problems.push(
          `TOKENMINT_WEBHOOKS: ${hook.id}: only https URLs (http needs TOKENMINT_WEBHOOKS_ALLOW_INSECURE=true)`,
        );
      }
    }
  }
  if (e.TOKENMINT_WEBHOOKS_RETRY_BASE < 1 || e.TOKENMINT_WEBHOOKS_TIMEOUT < 1) {
    problems.push(
      "TOKENMINT_WEBHOOKS_RETRY_BASE: and TOKENMINT_WEBHOOKS_TIMEOUT: at least 1 second",
    );
  }
  if (e.TOKENMINT_WEBHOOKS_TIMEOUT > 60) {
    problems.push("TOKENMINT_WEBHOOKS_TIMEOUT: at most 60 seconds");
  }
  if (e.TOKENMINT_MIN_LIFETIME < 60) problems.push("TOKENMINT_MIN_LIFETIME: at least 60 seconds");
  if (e.TOKENMINT_MIN_LIFETIME > e.TOKENMINT_MAX_LIFETIME) {
    problems.push("TOKENMINT_MIN_LIFETIME: must not exceed TOKENMINT_MAX_LIFETIME");
  }
  if (
    e.TOKENMINT_DEFAULT_LIFETIME < e.TOKENMINT_MIN_LIFETIME ||
    e.TOKENMINT_DEFAULT_LIFETIME > e.TOKENMINT_MAX_LIFETIME
  ) {
    problems.push("TOKENMINT_DEFAULT_LIFETIME: must lie between the minimum and maximum lifetime");
  }
  const ids = new Set(e.TOKENMINT_CLIENTS.map((client) => client.id));
  if (ids.size !== e.TOKENMINT_CLIENTS.length) {
    problems.push("TOKENMINT_CLIENTS: a client id appears twice");
  }
  for (const admin of e.TOKENMINT_ADMIN_CLIENTS) {
    if (!ids.has(admin) && e.TOKENMINT_CLIENTS.length > 0) {
      problems.push(`TOKENMINT_ADMIN_CLIENTS: ${admin} is not in TOKENMINT_CLIENTS`);
    }
  }
  if (e.TOKENMINT_STATUS_LIST_SIZE % 4 !== 0) {
    problems.push("TOKENMINT_STATUS_LIST_SIZE: must be a multiple of 4");
  }
  if (!e.TOKENMINT_SCOPES.includes("manage_tokens")) {
    problems.push("TOKENMINT_SCOPES: must include manage_tokens");
  }
  for (const scope of Object.keys(e.TOKENMINT_SCOPE_DESCRIPTIONS)) {
    if (!e.TOKENMINT_SCOPES.includes(scope)) {
      problems.push(`TOKENMINT_SCOPE_DESCRIPTIONS: ${scope} is not in TOKENMINT_SCOPES`);
    }
  }
  const kinds = resolveTokenKinds(
    e.TOKENMINT_TOKEN_KINDS,
    { prefix: e.TOKENMINT_TOKEN_PREFIX, scopes: e.TOKENMINT_SCOPES },
    problems,
  );
  const orgKindRules = new Map<string, OrgKindRules>();
  for (const [org, policy] of Object.entries(e.TOKENMINT_ORG_POLICIES)) {
    const unknown = (policy.kinds ?? []).filter((kind) => !kinds.has(kind));
    if (unknown.length > 0) {
      problems.push(`TOKENMINT_ORG_POLICIES: ${org}: unknown kinds: ${unknown.join(", ")}`);
    }
    orgKindRules.set(org, {
      ...(policy.kinds === undefined ? {} : { kinds: policy.kinds }),
      ...(policy.allow_non_expiring === undefined
        ? {}
        : { allowNonExpiring: policy.allow_non_expiring }),
    });
  }
  const server: ServerLimits = {
    headersTimeoutSeconds: e.TOKENMINT_HEADERS_TIMEOUT,
    requestTimeoutSeconds: e.TOKENMINT_REQUEST_TIMEOUT,
    maxConnections: e.TOKENMINT_MAX_CONNECTIONS,
  };
  const serverProblem = serverLimitsProblem("TOKENMINT", server);
  if (serverProblem) problems.push(serverProblem);
  if (problems.length > 0) throw new ConfigError(problems);

  const lifetime: LifetimePolicy = {
    defaultSeconds: e.TOKENMINT_DEFAULT_LIFETIME,
    minSeconds: e.TOKENMINT_MIN_LIFETIME,
    maxSeconds: e.TOKENMINT_MAX_LIFETIME,
    allowNonExpiring: e.TOKENMINT_ALLOW_NON_EXPIRING,
  };
  // A Map: an org named `constructor` or `__proto__` must not find Object.prototype's members.
  const orgLifetimes = new Map<string, LifetimePolicy>();
  const approvalOrgs = new Set<string>();
  for (const [org, policy] of Object.entries(e.TOKENMINT_ORG_POLICIES)) {
    if (policy.require_approval === true) approvalOrgs.add(org);
    const minSeconds = policy.min_lifetime ?? lifetime.minSeconds;
    const maxSeconds = policy.max_lifetime ?? lifetime.maxSeconds;
    if (minSeconds < 60 || minSeconds > maxSeconds) {
      throw new ConfigError([
        `TOKENMINT_ORG_POLICIES: ${org}: min_lifetime must be 60 s or more and not exceed max_lifetime`,
      ]);
    }
    orgLifetimes.set(org, {
      minSeconds,
      maxSeconds,
      defaultSeconds: Math.min(Math.max(lifetime.defaultSeconds, minSeconds), maxSeconds),
      allowNonExpiring: policy.allow_non_expiring ?? lifetime.allowNonExpiring,
    });
  }
  const issuer = (e.TOKENMINT_ISSUER ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    port: e.PORT,
    host: e.HOST,
    issuer,
    redis,
    redisAuth: {
      ...(e.REDIS_USERNAME === undefined ? {} : { username: e.REDIS_USERNAME }),
      ...(e.REDIS_PASSWORD === undefined ? {} : { password: e.REDIS_PASSWORD }),
    },
    redisPrefix: e.REDIS_PREFIX,
    redisTimeoutMs: e.REDIS_TIMEOUT_MS,
    redisWaitReplicas: e.REDIS_WAIT_REPLICAS,
    redisWaitTimeoutMs,
    clients: e.TOKENMINT_CLIENTS,
    adminClients: e.TOKENMINT_ADMIN_CLIENTS,
    tokenPrefix: kinds.get("pat")?.prefix ?? e.TOKENMINT_TOKEN_PREFIX,
    kinds,
    algorithm: e.TOKENMINT_ALG,
    keks: e.TOKENMINT_KEK,
    audience: e.TOKENMINT_AUDIENCE.length > 0 ? e.TOKENMINT_AUDIENCE : [issuer],
    scopes: e.TOKENMINT_SCOPES,
    // A Map, like orgLifetimes: a scope named `constructor` must not find Object.prototype's.
    scopeDescriptions: new Map(
      e.TOKENMINT_SCOPES.flatMap((scope) => {
        const text = Object.hasOwn(e.TOKENMINT_SCOPE_DESCRIPTIONS, scope)
          ? e.TOKENMINT_SCOPE_DESCRIPTIONS[scope]
          : Object.hasOwn(DEFAULT_SCOPE_DESCRIPTIONS, scope)
            ? DEFAULT_SCOPE_DESCRIPTIONS[scope]
            : undefined;
        return text === undefined ? [] : [[scope, text] as const];
      }),
    ),
    lifetime,
    orgLifetimes,
    approvalOrgs,
    orgKindRules,
    maxTokensPerSubject: e.TOKENMINT_MAX_TOKENS_PER_SUBJECT,
    mintRate: {
      perSubject: e.TOKENMINT_MINT_RATE_PER_SUBJECT,
      perClient: e.TOKENMINT_MINT_RATE_PER_CLIENT,
    },
    expiryNotices: e.TOKENMINT_EXPIRY_NOTICES,
    revokeUnusedAfter: e.TOKENMINT_REVOKE_UNUSED_AFTER > 0 ? e.TOKENMINT_REVOKE_UNUSED_AFTER : null,
    secretScanningKeys: e.TOKENMINT_SECRET_SCANNING_KEYS,
    auditMaxEvents: e.TOKENMINT_AUDIT_MAX_EVENTS,
    retentionSeconds: e.TOKENMINT_RETENTION,
    orgCells: e.TOKENMINT_ORG_CELLS,
    defaultCell: e.TOKENMINT_DEFAULT_CELL,
    statusList: { size: e.TOKENMINT_STATUS_LIST_SIZE, ttlSeconds: e.TOKENMINT_STATUS_LIST_TTL },
    maxBodyBytes: e.TOKENMINT_MAX_BODY_BYTES,
    maxTokenLength: e.TOKENMINT_MAX_TOKEN_LENGTH,
    server,
    trustedProxies: e.TOKENMINT_TRUSTED_PROXIES,
    keyRotation: {
      periodSeconds: e.TOKENMINT_KEY_ROTATION_PERIOD,
      prepublicationSeconds: e.TOKENMINT_KEY_PREPUBLICATION,
      clockToleranceSeconds: e.TOKENMINT_KEY_CLOCK_TOLERANCE,
    },
    docs: e.TOKENMINT_DOCS,
    ui: { enabled: e.TOKENMINT_UI, sessionSeconds: e.TOKENMINT_UI_SESSION_TTL },
    metrics: { enabled: e.TOKENMINT_METRICS, token: e.TOKENMINT_METRICS_TOKEN },
    webhooks: {
      configured: e.TOKENMINT_WEBHOOKS,
      allowInsecure: e.TOKENMINT_WEBHOOKS_ALLOW_INSECURE,
      retryForSeconds: e.TOKENMINT_WEBHOOKS_RETRY_FOR,
      retryBaseSeconds: e.TOKENMINT_WEBHOOKS_RETRY_BASE,
      timeoutSeconds: e.TOKENMINT_WEBHOOKS_TIMEOUT,
    },
  };
}

/** The one Redis deployment configured (several at once is a problem), or undefined. */
function redisTarget(
  e: z.output<typeof environmentSchema>,
  problems: string[],
): RedisTarget | undefined {
  const given = [
    e.REDIS_URL ? "REDIS_URL" : undefined,
    e.REDIS_CLUSTER_NODES.length > 0 ? "REDIS_CLUSTER_NODES" : undefined,
    e.REDIS_SENTINELS.length > 0 ? "REDIS_SENTINELS" : undefined,
  ].filter((name) => name !== undefined);
  if (given.length > 1) {
    problems.push(`${given[1]}: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS`);
    return undefined;
  }
  if (e.REDIS_SENTINELS.length > 0 && !e.REDIS_SENTINEL_NAME) {
    problems.push("REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the monitored primary)");
  }
  if (e.REDIS_URL && (e.REDIS_USERNAME || e.REDIS_PASSWORD)) {
    problems.push("REDIS_PASSWORD: with REDIS_URL, put the credentials in the URL");
  }
  if (e.REDIS_URL) return { url: e.REDIS_URL };
  if (e.REDIS_CLUSTER_NODES.length > 0) return { clusterNodes: e.REDIS_CLUSTER_NODES };
  if (e.REDIS_SENTINELS.length > 0) {
    return { sentinels: e.REDIS_SENTINELS, sentinelName: e.REDIS_SENTINEL_NAME ?? "" };
  }
  return undefined;
}
