/**
 * The router's configuration, read from environment variables (Node `process.env` or Worker
 * bindings) and validated once at start-up with zod. A bad value stops the Node process (and
 * makes a Worker answer 500) with a message naming the variable, never its value.
 *
 * Every variable, its default and meaning: `docs/configuration.md` (generated from
 * `variables.ts` and this schema).
 *
 * @example
 * ```ts
 * const config = parseRouterConfig(process.env);
 * ```
 * @module
 */
import { createVerifier } from "@tokenmint/verifier";
import { prefixTableProblem } from "@tokenmint/verifier/jwt";
import { z } from "zod";
import { cidrList } from "../config/cidr-list.js";
import { ConfigError } from "../config/config.js";
import { jsonObject } from "../config/json-values.js";
import {
  maxConnections,
  type ServerLimits,
  serverLimitsProblem,
  timeoutSeconds,
} from "../config/server-limits.js";
import { KIND_NAME } from "../config/token-kinds.js";
import type { Logger } from "../logger.js";
import {
  CELL_ID,
  type CellRouterOptions,
  checkBaseUrl,
  checkClaimsHeader,
} from "./router-options.js";

const httpUrl = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ""));

const cells = z.string().transform((value, ctx) => {
  const map: Record<string, string> = {};
  const entries = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    const cell = entry.slice(0, equals);
    let url: string | undefined;
    try {
      url = equals > 0 ? checkBaseUrl("cell", entry.slice(equals + 1)) : undefined;
    } catch {
      url = undefined;
    }
    if (!CELL_ID.test(cell) || !url || Object.hasOwn(map, cell)) {
      ctx.addIssue({
        code: "custom",
        message: "expected comma-separated cell=url pairs (http(s) URLs, each cell once)",
      });
      return z.NEVER;
    }
    map[cell] = url;
  }
  if (entries.length === 0) {
    ctx.addIssue({ code: "custom", message: "at least one cell=url pair is required" });
    return z.NEVER;
  }
  return map;
});

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  HOST: z.string().min(1).default("127.0.0.1"),
  ROUTER_ISSUER: httpUrl,
  ROUTER_AUDIENCE: z
    .string()
    .transform((value) =>
      value
        .split(/[\s,]+/)
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1, "at least one audience is required")),
  ROUTER_CELLS: cells,
  ROUTER_FALLBACK: z.string().regex(CELL_ID, "expected a cell id"),
  ROUTER_ROUTES_REFRESH: z.coerce.number().int().min(1).max(300).default(10),
  ROUTER_FORWARD_CLAIMS_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "expected a header name")
    .refine((name) => {
      try {
        return Boolean(checkClaimsHeader(name));
      } catch {
        return false;
      }
    }, "must not be a header the router manages (Authorization, Host, hop-by-hop, X-Forwarded-*)")
    .optional(),
  ROUTER_TOKEN_PREFIX: z.string().max(32).default("tmpat_"),
  ROUTER_TOKEN_PREFIXES: jsonObject(
    z.record(z.string().regex(KIND_NAME), z.string().max(32)),
    "a JSON object of kind: prefix",
  ),
  ROUTER_TRUSTED_PROXIES: cidrList,
  ROUTER_TRUST_FORWARDED: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
  ROUTER_HEADERS_TIMEOUT: timeoutSeconds("10s"),
  // Bodies stream through to the cells with no size limit: uploads get Node's own default.
  ROUTER_REQUEST_TIMEOUT: timeoutSeconds("300s"),
  ROUTER_MAX_CONNECTIONS: maxConnections(10000),
});

/** The name of a router configuration variable. */
export type RouterVariable = keyof typeof environmentSchema.shape;

/** The schema of one router variable (for the configuration page and its test). */
export function routerVariableSchema(name: RouterVariable): z.ZodType {
  return environmentSchema.shape[name];
}

/** The router's validated configuration. */
export interface RouterConfig {
  readonly port: number;
  readonly host: string;
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly cells: Readonly<Record<string, string>>;
  readonly fallback: string;
  readonly routesRefreshSeconds: number;
  readonly forwardClaimsHeader?: string;
  /** Every token kind the issuer mints and its prefix (`ROUTER_TOKEN_PREFIXES`, else `ROUTER_TOKEN_PREFIX` as `pat`). */
  readonly tokenPrefixes: Readonly<Record<string, string>>;
  readonly trustForwarded: boolean;
  /** Proxies (normalized CIDRs) whose `X-Forwarded-For` is believed, for `allowed_ips`. */
  readonly trustedProxies: readonly string[];
  /** Node only: the HTTP server's timeouts and connection cap. */
  readonly server: ServerLimits;
}

/**
 * Validates an environment record and returns the router's configuration.
 *
 * @throws {ConfigError} naming every variable that is wrong.
 * @example
 * ```ts
 * parseRouterConfig({ ROUTER_ISSUER: "https://tokens.example.com", ... });
 * ```
 */
export function parseRouterConfig(env: Readonly<Record<string, unknown>>): RouterConfig {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(
        ([key, value]) =>
          typeof value === "string" && (value !== "" || key === "ROUTER_TOKEN_PREFIX"),
      ),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  if (!Object.hasOwn(e.ROUTER_CELLS, e.ROUTER_FALLBACK)) {
    throw new ConfigError(["ROUTER_FALLBACK: must be one of the cells in ROUTER_CELLS"]);
  }
  const server: ServerLimits = {
    headersTimeoutSeconds: e.ROUTER_HEADERS_TIMEOUT,
    requestTimeoutSeconds: e.ROUTER_REQUEST_TIMEOUT,
    maxConnections: e.ROUTER_MAX_CONNECTIONS,
  };
  const serverProblem = serverLimitsProblem("ROUTER", server);
  if (serverProblem) throw new ConfigError([serverProblem]);
  const tokenPrefixes =
    Object.keys(e.ROUTER_TOKEN_PREFIXES).length > 0
      ? e.ROUTER_TOKEN_PREFIXES
      : { pat: e.ROUTER_TOKEN_PREFIX };
  const tableProblem = prefixTableProblem(tokenPrefixes);
  if (tableProblem) throw new ConfigError([`ROUTER_TOKEN_PREFIXES: ${tableProblem}`]);
  return {
    port: e.PORT,
    host: e.HOST,
    issuer: e.ROUTER_ISSUER,
    audience: e.ROUTER_AUDIENCE,
    cells: e.ROUTER_CELLS,
    fallback: e.ROUTER_FALLBACK,
    routesRefreshSeconds: e.ROUTER_ROUTES_REFRESH,
    ...(e.ROUTER_FORWARD_CLAIMS_HEADER
      ? { forwardClaimsHeader: e.ROUTER_FORWARD_CLAIMS_HEADER }
      : {}),
    tokenPrefixes,
    trustForwarded: e.ROUTER_TRUST_FORWARDED,
    trustedProxies: e.ROUTER_TRUSTED_PROXIES,
    server,
  };
}

/** What the runtime entry adds to the configuration. */
export interface RouterRuntime {
  /** `fetch` for the issuer (JWKS, status lists, routes), e.g. a Worker service binding. */
  readonly issuerFetch?: typeof fetch;
  /** `fetch` for the cells (default: the global one). */
  readonly fetch?: typeof fetch;
  readonly clientIp?: CellRouterOptions["clientIp"];
  readonly logger?: Pick<Logger, "warn" | "error">;
}

/**
 * The router options a configuration describes: a verifier for the issuer and audience, and the
 * issuer's `/v1/routes` as the org → cell map.
 *
 * @example
 * ```ts
 * const router = createCellRouter(routerOptions(parseRouterConfig(process.env), { logger }));
 * ```
 */
export function routerOptions(
  config: RouterConfig,
  runtime: RouterRuntime = {},
): CellRouterOptions {
  const issuerFetch = runtime.issuerFetch ? { fetch: runtime.issuerFetch } : {};
  return {
    verifier: createVerifier({
      issuer: config.issuer,
      audience: config.audience,
      prefixes: config.tokenPrefixes,
      ...issuerFetch,
    }),
    cells: config.cells,
    fallback: config.fallback,
    routes: {
      url: `${config.issuer}/v1/routes`,
      refreshSeconds: config.routesRefreshSeconds,
      ...issuerFetch,
    },
    trustForwarded: config.trustForwarded,
    trustedProxies: config.trustedProxies,
    ...(config.forwardClaimsHeader ? { forwardClaimsHeader: config.forwardClaimsHeader } : {}),
    ...(runtime.fetch ? { fetch: runtime.fetch } : {}),
    ...(runtime.clientIp ? { clientIp: runtime.clientIp } : {}),
    ...(runtime.logger ? { logger: runtime.logger } : {}),
  };
}
