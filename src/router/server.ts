/**
 * The Node entry of the cell router (`npm run router`): reads the environment once (see
 * `config.ts`), starts the router, and stops gracefully on SIGINT/SIGTERM. A bad variable stops
 * the process with a message naming it.
 *
 * @example
 * ```sh
 * ROUTER_ISSUER=https://tokens.example.com ROUTER_AUDIENCE=https://api.example.com \
 * ROUTER_CELLS=cell-eu-1=http://10.0.1.10:8080,cell-us-2=http://10.0.2.10:8080 \
 * ROUTER_FALLBACK=cell-eu-1 npm run router
 * ```
 * @module
 */
import { ConfigError } from "../config/config.js";
import { createJsonLogger } from "../logger.js";
import { exitOnStartFailure, stopOnSignals } from "../node/graceful-shutdown.js";
import { stdoutLines } from "../node/stdout-lines.js";
import { parseRouterConfig, type RouterConfig, routerOptions } from "./config.js";
import { startRouter } from "./start-router.js";

async function main(): Promise<void> {
  let config: RouterConfig;
  try {
    config = parseRouterConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tokenmint router: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createJsonLogger(stdoutLines());
  const router = await startRouter({
    options: routerOptions(config, { logger }),
    port: config.port,
    host: config.host,
    limits: config.server,
  });
  logger.info("router.listening", {
    url: router.url,
    issuer: config.issuer,
    cells: Object.keys(config.cells),
    fallback: config.fallback,
  });
  process.stderr.write(`\ntokenmint router listening on ${router.url} (issuer ${config.issuer})\n`);
  stopOnSignals(() => router.close(), logger, "router");
}

main().catch(exitOnStartFailure("tokenmint router"));
