import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { createTestIssuer, form, STORE_KINDS, type TestIssuer } from "../helpers/issuer.js";

interface Feedback {
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

/** A scanner key pair: the private half signs the test's requests, the public half is configured. */
function scannerKey(identifier: string, current = true) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  return {
    identifier,
    privateKey,
    entry: { key_identifier: identifier, key: pem, is_current: current },
  };
}

const CURRENT = scannerKey("90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a");
const OLD = scannerKey("bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c", false);
const UNKNOWN = scannerKey("0000000000000000000000000000000000000000000000000000000000000000");
const KEYS = JSON.stringify({ public_keys: [CURRENT.entry, OLD.entry] });

function signedRequest(
  body: string,
  key: { identifier: string; privateKey: KeyObject } = CURRENT,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "github-public-key-identifier": key.identifier,
      "github-public-key-signature": sign("sha256", Buffer.from(body), key.privateKey).toString(
        "base64",
      ),
      ...headers,
    },
    body,
  };
}

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

async function report(issuer: TestIssuer, items: unknown, key = CURRENT) {
  return issuer.request("/v1/secret-scanning", signedRequest(JSON.stringify(items), key));
}

async function auditEvents(issuer: TestIssuer, type: string) {
  const response = await issuer.request(`/v1/audit?type=${type}`, {
    headers: { authorization: issuer.clientAuth },
  });
  const body = (await response.json()) as { events: Array<Record<string, unknown>> };
  return body.events;
}

async function introspect(issuer: TestIssuer, token: string) {
  const response = await issuer.request(
    "/v1/introspect",
    form({ token }, { authorization: issuer.clientAuth }),
  );
  return ((await response.json()) as { active: boolean }).active;
}

describe.each(STORE_KINDS)("POST /v1/secret-scanning on the %s store", (kind) => {
  const issuerWithScanner = () =>
    createTestIssuer({ store: kind, env: { TOKENMINT_SECRET_SCANNING_KEYS: KEYS } });

  it("revokes a genuine leaked token at once and labels it true_positive by its hash", async () => {
    const issuer = await issuerWithScanner();
    const minted = await issuer.mint({ org: "acme" });
    expect(await introspect(issuer, minted.token)).toBe(true);
    // The expression docs/api.md gives for registering the prefix finds the whole token.
    const pattern =
      /\btmpat_eyJhbGciOi[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{40,}/;
    expect(pattern.exec(`TOKEN=${minted.token}\n`)?.[0]).toBe(minted.token);
    const url = "https://github.com/octo/repo/blob/abc/.env";
    const response = await report(issuer, [
      { token: minted.token, type: "tokenmint_pat", url, source: "content" },
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).not.toContain(minted.token);
    expect(JSON.parse(text) as Feedback[]).toEqual([
      { token_hash: sha256(minted.token), token_type: "tokenmint_pat", label: "true_positive" },
    ]);
    expect(await introspect(issuer, minted.token)).toBe(false);
    expect((await issuer.store.getToken(minted.id))?.state).toBe("revoked");

    const [leaked] = await auditEvents(issuer, "token.leaked");
    expect(leaked).toMatchObject({
      jti: minted.id,
      sub: "alice",
      org: "acme",
      reason: "leaked",
      detail: { url, source: "content", type: "tokenmint_pat" },
    });
    const [revoked] = await auditEvents(issuer, "token.revoked");
    expect(revoked).toMatchObject({ jti: minted.id, reason: "leaked", detail: { url } });
    // Neither the answer, the audit stream nor the log ever holds the token.
    const stream = JSON.stringify(await auditEvents(issuer, "token.leaked"));
    expect(stream).not.toContain(minted.token);
    expect(issuer.logs.join("\n")).not.toContain(minted.token);

    // A repeated report changes nothing further.
    const again = await report(issuer, [{ token: minted.token, type: "tokenmint_pat", url }]);
    expect(((await again.json()) as Feedback[])[0]?.label).toBe("true_positive");
    expect(await auditEvents(issuer, "token.leaked")).toHaveLength(1);
    expect(await auditEvents(issuer, "token.revoked")).toHaveLength(1);
  });

  it("labels forged, foreign and malformed tokens false_positive and revoked or expired ones true_positive without change", async () => {
    const issuer = await issuerWithScanner();
    const other = await createTestIssuer({ store: "memory" });
    const foreign = await other.mint();
    const revoked = await issuer.mint({ name: "revoked" });
    await issuer.request(`/v1/tokens/${revoked.id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    const expiring = await issuer.mint({ name: "short", expires_in: 300 });
    const live = await issuer.mint({ name: "live" });
    const [head, payload] = live.token.split(".");
    const forged = `${head}.${payload}.${"A".repeat(86)}`;
    issuer.clock.advance(600);

    const items = [
      { token: forged, type: "tokenmint_pat" },
      { token: foreign.token, type: "tokenmint_pat" },
      { token: "tmpat_not-a-token", type: "tokenmint_pat", url: "" },
      { token: revoked.token, type: "tokenmint_pat" },
      { token: expiring.token, type: "tokenmint_pat" },
    ];
    const response = await report(issuer, items, OLD);
    expect(response.status).toBe(200);
    const labels = ((await response.json()) as Feedback[]).map((item) => item.label);
    expect(labels).toEqual([
      "false_positive",
      "false_positive",
      "false_positive",
      "true_positive",
      "true_positive",
    ]);
    expect(await introspect(issuer, live.token)).toBe(true);
    expect((await issuer.store.getToken(expiring.id))?.state).toBe("active");
    expect(await auditEvents(issuer, "token.leaked")).toEqual([]);
  });

  it("refuses unsigned, badly signed and unknown-key requests with 401 and changes nothing", async () => {
    const issuer = await issuerWithScanner();
    const minted = await issuer.mint();
    const body = JSON.stringify([{ token: minted.token, type: "tokenmint_pat" }]);
    const attempts: RequestInit[] = [
      { method: "POST", headers: { "content-type": "application/json" }, body },
      signedRequest(body, UNKNOWN),
      signedRequest(body, { identifier: CURRENT.identifier, privateKey: UNKNOWN.privateKey }),
      signedRequest(body, CURRENT, { "github-public-key-signature": "not base64!" }),
      { ...signedRequest(body), body: body.replace("tokenmint_pat", "tokenmint_paT") },
    ];
    for (const attempt of attempts) {
      const response = await issuer.request("/v1/secret-scanning", attempt);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(((await response.json()) as { code: string }).code).toBe("unauthenticated");
    }
    expect(await introspect(issuer, minted.token)).toBe(true);

    const unconfigured = await createTestIssuer({ store: kind });
    const refused = await unconfigured.request("/v1/secret-scanning", signedRequest(body));
    expect(refused.status).toBe(401);
  });

  it("accepts a signature in either S form (the scanner's need not be low-S)", async () => {
    const issuer = await issuerWithScanner();
    const minted = await issuer.mint();
    const body = JSON.stringify([{ token: minted.token, type: "tokenmint_pat" }]);
    const request = signedRequest(body);
    const headers = request.headers as Record<string, string>;
    const der = Buffer.from(headers["github-public-key-signature"] as string, "base64");
    const signature = p256.Signature.fromBytes(der, "der");
    const flipped = new p256.Signature(signature.r, p256.Point.CURVE().n - signature.s);
    for (const variant of [signature, flipped]) {
      const encoded = Buffer.from(variant.toBytes("der")).toString("base64");
      const response = await issuer.request("/v1/secret-scanning", {
        ...request,
        headers: { ...headers, "github-public-key-signature": encoded },
      });
      expect(response.status).toBe(200);
    }
  });

  it("answers 400 problem+json to a signed body that is not the expected array", async () => {
    const issuer = await issuerWithScanner();
    for (const body of ["{}", "[]", "not json", JSON.stringify([{ token: "x" }])]) {
      const response = await issuer.request("/v1/secret-scanning", signedRequest(body));
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { code: string };
      expect(["invalid_request", "invalid_json"]).toContain(problem.code);
    }
    // A batch larger than other API bodies is taken; past the report's own cap, 413.
    const minted = await issuer.mint();
    const batch = JSON.stringify(
      Array.from({ length: 40 }, () => ({ token: minted.token, type: "tokenmint_pat" })),
    );
    expect(batch.length).toBeGreaterThan(issuer.config.maxBodyBytes);
    const taken = await issuer.request("/v1/secret-scanning", signedRequest(batch));
    expect(taken.status).toBe(200);
    expect((await taken.json()) as Feedback[]).toHaveLength(40);
    const tooLarge = "x".repeat(256 * 1024 + 1);
    const response = await issuer.request("/v1/secret-scanning", signedRequest(tooLarge));
    expect(response.status).toBe(413);
    const elsewhere = await issuer.request("/v1/usage", {
      method: "POST",
      headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
      body: batch,
    });
    expect(elsewhere.status).toBe(413);
  });
});

describe("TOKENMINT_SECRET_SCANNING_KEYS", () => {
  it("stops start-up on a document that is not GitHub's key list of P-256 keys", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const bad = [
      "not json",
      JSON.stringify({ keys: [] }),
      JSON.stringify({
        public_keys: [
          { key_identifier: "k", key: rsa.export({ type: "spki", format: "pem" }).toString() },
        ],
      }),
    ];
    for (const value of bad) {
      await expect(
        createTestIssuer({ env: { TOKENMINT_SECRET_SCANNING_KEYS: value } }),
      ).rejects.toThrow(/TOKENMINT_SECRET_SCANNING_KEYS/);
    }
  });
});
