/**
 * Token kinds on Workers: the issuer Worker mints each kind with its prefix, and the verifier and
 * its Hono middleware, running inside workerd, take the prefixes from the issuer's metadata and
 * accept or refuse by kind.
 */
import { env } from "cloudflare:workers";
import { createVerifier, requireToken, type TokenVariables } from "@tokenmint/verifier";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { call, mint } from "./helpers.js";

async function issuerPrefixes(): Promise<Record<string, string>> {
  const response = await call(env.ISSUER, "/.well-known/oauth-authorization-server");
  const metadata = (await response.json()) as { tokenmint_token_prefixes: Record<string, string> };
  return metadata.tokenmint_token_prefixes;
}

function verifierFor(prefixes: Record<string, string>, kinds?: string[]) {
  return createVerifier({
    issuer: env.ISSUER_URL,
    audience: "https://api.test",
    prefixes,
    ...(kinds === undefined ? {} : { kinds }),
    fetch: (input, init) => env.ISSUER.fetch(input, init),
  });
}

describe("token kinds on Workers", () => {
  it("mints a deploy token that a workerd verifier with the published prefixes accepts", async () => {
    const prefixes = await issuerPrefixes();
    expect(prefixes).toEqual({ pat: "tmpat_", deploy: "tmdt_" });
    const deploy = await mint(env.ISSUER, { kind: "deploy", scope: ["read_repository"] });
    const pat = await mint(env.ISSUER, { scope: ["read_api"] });
    expect(deploy.token).toMatch(/^tmdt_ey/);
    expect(deploy.kind).toBe("deploy");
    const verifier = verifierFor(prefixes);
    expect((await verifier.verify(deploy.token)).kind).toBe("deploy");
    expect((await verifier.verify(pat.token)).kind).toBe("pat");
    const onlyDeploy = verifierFor(prefixes, ["deploy"]);
    await expect(onlyDeploy.verify(pat.token)).rejects.toMatchObject({
      code: "kind_not_accepted",
    });
    await expect(
      verifier.verify(`tmpat_${deploy.token.slice("tmdt_".length)}`),
    ).rejects.toMatchObject({ code: "claim_invalid" });
    const self = await call(env.ISSUER, "/v1/tokens/self", {
      headers: { authorization: `Bearer ${deploy.token}` },
    });
    expect(self.status).toBe(200);
  });

  it("guards a route with requireToken({ kinds }) inside workerd", async () => {
    const verifier = verifierFor(await issuerPrefixes());
    const app = new Hono<{ Variables: TokenVariables }>();
    app.get("/deploy", requireToken({ verifier, kinds: ["deploy"] }), (c) =>
      c.json({ kind: c.get("tokenClaims").kind }),
    );
    const deploy = await mint(env.ISSUER, { kind: "deploy", scope: ["read_api"] });
    const pat = await mint(env.ISSUER, { scope: ["read_api"] });
    const ok = await app.request("/deploy", {
      headers: { authorization: `Bearer ${deploy.token}` },
    });
    expect([ok.status, await ok.json()]).toEqual([200, { kind: "deploy" }]);
    const refused = await app.request("/deploy", {
      headers: { authorization: `Bearer ${pat.token}` },
    });
    expect(refused.status).toBe(403);
  });
});
