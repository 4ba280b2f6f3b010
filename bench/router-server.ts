/**
 * The cell router (issue 10) for the benchmark, in a process of its own: its only cell is the
 * downstream service at `CELL_URL`, whose JWKS (`JWK`, JSON) it trusts and whose status list it
 * fetches from that service. Prints `READY <port>`.
 * @module
 */
import { createVerifier } from "@tokenmint/verifier";
import { startRouter } from "../src/router/start-router.js";
import { AUDIENCE, ISSUER } from "./fixtures.js";

const cellUrl = process.env.CELL_URL as string;
const router = await startRouter({
  options: {
    verifier: createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [JSON.parse(process.env.JWK as string)] },
      // The status list URI names the issuer; the benchmark's cell serves it.
      fetch: (input) => fetch(`${cellUrl}${new URL(String(input)).pathname}`),
    }),
    cells: { c1: cellUrl },
    fallback: "c1",
  },
  port: 0,
});
process.stdout.write(`READY ${router.port}\n`);
process.on("SIGTERM", () => void router.close().then(() => process.exit(0)));
