/**
 * The Cloudflare Workers entry of the cell router: `export default { fetch }`, configured by the
 * Worker's bindings (the same `ROUTER_*` variables as on Node; see `config.ts`). The router is
 * built once per isolate and reused, so the JWKS, status lists, verified tokens and the org →
 * cell map stay cached across requests. An optional service binding `ISSUER` reaches the issuer
 * Worker directly (JWKS, status lists and `/v1/routes` at `ROUTER_ISSUER`'s URLs) instead of over
 * the public internet. `X-Forwarded-For` is the `CF-Connecting-IP` Cloudflare sets.
 *
 * A configuration error answers every request with a 500 problem (`configuration_invalid`) and
 * logs which variables are wrong (never their values).
 *
 * @example
 * ```sh
 * npx wrangler deploy --config wrangler.router.toml
 * ```
 * @module
 */
import { ConfigError } from "../config/config.js";
import { createJsonLogger } from "../logger.js";
import { parseRouterConfig, routerOptions } from "./config.js";
import { createCellRouter } from "./create-cell-router.js";

/** The bindings the router Worker reads. */
export interface RouterWorkerEnv {
  readonly [name: string]: unknown;
  /** Optional service binding to the issuer Worker. */
  readonly ISSUER?: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
}

type Handler = (request: Request) => Response | Promise<Response>;

const logger = createJsonLogger();
let cached: { readonly key: string; readonly handle: Handler } | undefined;

function misconfigured(problems: readonly string[]): Handler {
  logger.error("router.config_invalid", { problems });
  const body = JSON.stringify({
    type: "https://tokenmint.dev/problems/configuration_invalid",
    title: "Internal Server Error",
    status: 500,
    code: "configuration_invalid",
    detail: "The router is misconfigured",
  });
  return () =>
    new Response(body, {
      status: 500,
      headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
    });
}

/** What the router is built from: the `ROUTER_*` strings and whether `ISSUER` is bound. */
function configKey(env: RouterWorkerEnv): string {
  const vars = Object.keys(env)
    .filter((name) => name.startsWith("ROUTER_") && typeof env[name] === "string")
    .sort()
    .map((name) => [name, env[name]]);
  return JSON.stringify([vars, env.ISSUER !== undefined]);
}

/**
 * The router for `env`, built on the isolate's first request and reused while the bindings stay
 * the same; or a handler that reports the configuration error.
 */
export function routerForEnv(env: RouterWorkerEnv): Handler {
  const key = configKey(env);
  if (cached?.key === key) return cached.handle;
  let handle: Handler;
  try {
    const issuer = env.ISSUER;
    const app = createCellRouter(
      routerOptions(parseRouterConfig(env), {
        logger,
        clientIp: (c) => c.req.header("cf-connecting-ip"),
        ...(issuer ? { issuerFetch: (input, init) => issuer.fetch(input, init) } : {}),
      }),
    );
    handle = (request) => app.fetch(request);
  } catch (error) {
    if (error instanceof ConfigError) handle = misconfigured(error.problems);
    else if (error instanceof TypeError) handle = misconfigured([error.message]);
    else throw error;
  }
  cached = { key, handle };
  return handle;
}

export default {
  fetch(request: Request, env: RouterWorkerEnv): Response | Promise<Response> {
    return routerForEnv(env)(request);
  },
};
