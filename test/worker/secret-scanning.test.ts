/**
 * `POST /v1/secret-scanning` in workerd: the scanner's DER signature is checked by the Worker
 * build (no Node crypto there), and a genuine leaked token is revoked.
 */

import { env } from "cloudflare:workers";
import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { call, clientAuth, form, mint } from "./helpers.js";

/** Signs `body` as the scanner does: ECDSA P-256 / SHA-256, DER, base64. */
async function scannerSignature(body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "jwk",
    JSON.parse(env.SCANNER_PRIVATE_JWK) as JsonWebKey,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      new TextEncoder().encode(body),
    ),
  );
  const der = p256.Signature.fromBytes(raw, "compact").toBytes("der");
  return btoa(String.fromCharCode(...der));
}

describe("secret scanning on Workers", () => {
  it("verifies the scanner's signature and revokes the reported token", async () => {
    const minted = await mint(env.ISSUER, { subject: "scanned" });
    const body = JSON.stringify([
      { token: minted.token, type: "tokenmint_pat", source: "content" },
    ]);
    const headers = {
      "content-type": "application/json",
      "github-public-key-identifier": "workerd-scanner",
      "github-public-key-signature": await scannerSignature(body),
    };
    const forged = await call(env.ISSUER, "/v1/secret-scanning", {
      method: "POST",
      headers,
      body: body.replace("content", "commit"),
    });
    expect(forged.status).toBe(401);
    await forged.arrayBuffer();

    const response = await call(env.ISSUER, "/v1/secret-scanning", {
      method: "POST",
      headers,
      body,
    });
    expect(response.status).toBe(200);
    const [feedback] = (await response.json()) as Array<{ label: string; token_type: string }>;
    expect(feedback).toMatchObject({ label: "true_positive", token_type: "tokenmint_pat" });
    const introspection = await call(
      env.ISSUER,
      "/v1/introspect",
      form({ token: minted.token }, { authorization: clientAuth() }),
    );
    expect(await introspection.json()).toEqual({ active: false });
  });
});
