/**
 * The Node entry (`npm start`): reads the environment once, starts the issuer, prints where it
 * listens, and stops gracefully on SIGINT/SIGTERM. In the embedded mode without configured
 * clients it generates one and prints its credentials (once, to the terminal, never to the log).
 * @module
 */
import { randomBytes } from "node:crypto";
import { type Config, ConfigError, parseConfig } from "./config/config.js";
import { createJsonLogger } from "./logger.js";
import { exitOnStartFailure, stopOnSignals } from "./node/graceful-shutdown.js";
import { startServer } from "./node/start-server.js";
import { stdoutLines } from "./node/stdout-lines.js";

function withDevClient(config: Config): { config: Config; generated: boolean } {
  if (config.clients.length > 0) return { config, generated: false };
  const client = {
    id: `dev-${randomBytes(4).toString("hex")}`,
    secret: randomBytes(24).toString("base64url"),
  };
  return { config: { ...config, clients: [client], adminClients: [client.id] }, generated: true };
}

async function main(): Promise<void> {
  let parsed: Config;
  try {
    parsed = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`tokenmint: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createJsonLogger(stdoutLines());
  const { config, generated } = withDevClient(parsed);
  const issuer = await startServer({ config, logger });
  logger.info("server.listening", { url: issuer.url, issuer: config.issuer, store: issuer.mode });
  const client = config.clients[0];
  process.stderr.write(
    `\ntokenmint listening on ${issuer.url} (issuer ${config.issuer}, ${issuer.mode} store)\n` +
      (config.ui.enabled ? `  token page:    ${issuer.url}/ui\n` : "") +
      (config.docs ? `  API reference: ${issuer.url}/docs\n` : ""),
  );
  if (generated && client) {
    // The example token carries manage_tokens, so it can list tokens and sign in to the page.
    process.stderr.write(
      `Generated a development service client (set TOKENMINT_CLIENTS to choose your own):\n  client id:     ${client.id}\n  client secret: ${client.secret}\n  try: curl -u '${client.id}:${client.secret}' -H 'content-type: application/json' \\\n         -d '{"subject":"alice","name":"laptop","scope":["read_api","manage_tokens"]}' ${issuer.url}/v1/tokens\n\n`,
    );
  }
  stopOnSignals(() => issuer.close(), logger, "server");
}

main().catch(exitOnStartFailure("tokenmint"));
