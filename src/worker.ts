/**
 * The Cloudflare Workers entry (`wrangler.toml`): the same Hono app as the Node server, built from
 * the Worker's bindings, with a per-request Redis connection, an in-isolate edge cache for the
 * JWKS, metadata and status lists, and a cron trigger for key maintenance.
 *
 * A configuration error answers every request with a 500 problem (`configuration_invalid`) and
 * logs which variables are wrong (never their values).
 *
 * @example
 * ```sh
 * npm run dev:worker   # wrangler dev, bindings from .dev.vars
 * npm run deploy       # wrangler deploy
 * ```
 * @module
 */
import { ConfigError } from "./config/config.js";
import { InternalError } from "./errors.js";
import { problemResponse } from "./http/problem.js";
import { createJsonLogger } from "./logger.js";
import { type WorkerRuntime, workerRuntime } from "./worker/runtime.js";
import { runScheduledMaintenance } from "./worker/scheduled.js";
import { readWorkerSettings, type WorkerEnv } from "./worker/settings.js";

const logger = createJsonLogger();

function runtimeFor(env: WorkerEnv): WorkerRuntime | Response {
  try {
    return workerRuntime(env, readWorkerSettings);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error("config.invalid", { problems: error.problems });
    return problemResponse(new InternalError("configuration_invalid"));
  }
}

export default {
  async fetch(request, env, ctx) {
    const runtime = runtimeFor(env);
    if (runtime instanceof Response) return runtime;
    return runtime.handle(request, env, ctx);
  },
  async scheduled(controller, env, ctx) {
    const runtime = runtimeFor(env);
    if (runtime instanceof Response) throw new Error("tokenmint: invalid configuration");
    await runScheduledMaintenance(runtime, controller, ctx);
  },
} satisfies ExportedHandler<WorkerEnv>;
