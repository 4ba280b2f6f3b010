/**
 * The downstream service of issue 7, part 2, run as a child process by `bench/downstream.ts`: one
 * Hono endpoint twice, `/open` without authentication and `/protected` behind `requireToken`
 * (warm verified-token cache, status list served in-process). It also serves its JWKS and status
 * list over HTTP, for the cell router that runs in a process of its own
 * (`bench/router-server.ts`). Prints `READY <json>` with its port, the JWKS and the tokens.
 * @module
 */
import { serve } from "@hono/node-server";
import { createVerifier, requireToken, type TokenVariables } from "@tokenmint/verifier";
import { Hono } from "hono";
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
app.get("/v1/status-lists/:id", (c) => fixture.fetch(`${ISSUER}${c.req.path}`));
const server = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
  const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
    resolve({ server: started, port: info.port }),
  );
});
process.stdout.write(
  `READY ${JSON.stringify({ port: server.port, jwk: fixture.publicJwk, tokens: fixture.tokens })}\n`,
);
process.on("SIGTERM", () => server.server.close(() => process.exit(0)));
