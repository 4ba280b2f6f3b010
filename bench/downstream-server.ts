/**
 * The downstream service of issue 7, part 2, run as a child process by `bench/downstream.ts`: one
 * Hono endpoint twice, `/open` without authentication and `/protected` behind `requireToken`
 * (warm verified-token cache, status list served in-process), and a cell router (issue 10) on a
 * second port whose only cell is this service. Prints `READY <json>` with both ports and the tokens.
 * @module
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createCellRouter } from "../src/router/index.js";
import { nodeUpstreamFetch } from "../src/router/start-router.js";
import { createVerifier, requireToken, type TokenVariables } from "../src/verifier/index.js";
import { AUDIENCE, createFixture, ISSUER } from "./fixtures.js";

const fixture = await createFixture("ES256", 16);
const verifier = createVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwks: { keys: [fixture.publicJwk] },
  fetch: fixture.fetch,
});
const app = new Hono<{ Variables: TokenVariables }>();
const handler = (sub: string) => ({ hello: sub, items: [1, 2, 3] });
app.get("/open", (c) => c.json(handler("anonymous")));
app.get("/protected", requireToken({ verifier, permission: "read_api" }), (c) =>
  c.json(handler(c.get("tokenClaims").sub)),
);
const listen = (fetch: (request: Request) => Response | Promise<Response>, port = 0) =>
  new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, (info) =>
      resolve({ server, port: info.port }),
    );
  });
const cell = await listen(app.fetch);
const router = createCellRouter({
  verifier: createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [fixture.publicJwk] },
    fetch: fixture.fetch,
  }),
  cells: { c1: `http://127.0.0.1:${cell.port}` },
  fallback: "c1",
  fetch: nodeUpstreamFetch,
});
const front = await listen(router.fetch);
process.stdout.write(
  `READY ${JSON.stringify({ port: cell.port, routerPort: front.port, tokens: fixture.tokens })}\n`,
);
process.on("SIGTERM", () => {
  front.server.close();
  cell.server.close(() => process.exit(0));
});
