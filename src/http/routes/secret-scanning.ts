/**
 * `POST /v1/secret-scanning`: the endpoint of GitHub's secret scanning partner program. The
 * scanner posts the tokens it found (`[{token, type, url, source}]`), signed with its key; each
 * genuine token of this issuer is revoked at once, and the answer labels every token by its
 * SHA-256 (`token_hash`), so the issuer never echoes a token. Steps: check the signature over the
 * raw body (401 for anything unsigned or signed by an unknown key), parse the body (400), act.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { IssuerContext } from "../../context.js";
import { InvalidRequest, Unauthenticated, UnsupportedMediaType } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import { DURABLE_WRITE, JSON_BODY, problems } from "../../openapi/problems.js";
import { handleLeakedToken, tokenHash } from "../../tokens/leaked-token.js";
import { verifyScannerSignature } from "../../tokens/scanner-signature.js";
import { scanningFeedbackSchema } from "../../tokens/scanning-feedback.js";
import { defineRoute } from "../define-route.js";
import { parseWith } from "../request-body.js";
import { TOKEN_EXAMPLE } from "./token-access.js";

/** The most tokens one report may carry (the body size cap bounds it too). */
export const MAX_REPORTED_TOKENS = 1000;

/**
 * The body cap of a report (or `TOKENMINT_MAX_BODY_BYTES` when that is larger): a scanner may
 * batch tokens, and a report refused for its size would never get through.
 */
export const SECRET_SCANNING_MAX_BYTES = 256 * 1024;

/** The scanner's message: the tokens it found and where. */
export const leakReportSchema = z
  .array(
    z.object({
      token: z.string().min(1).max(16384),
      type: z.string().min(1).max(256),
      url: z.string().max(4096).optional(),
      source: z.string().max(256).optional(),
    }),
  )
  .min(1)
  .max(MAX_REPORTED_TOKENS);

/** The operation (its path also keys the body cap in app.ts). */
export const SECRET_SCANNING: Operation = {
  method: "post",
  path: "/v1/secret-scanning",
  operationId: "reportLeakedTokens",
  tag: "oauth",
  summary: "Leaked tokens found by a secret scanner (GitHub's partner program format)",
  description:
    "Signed by the scanner: `GITHUB-PUBLIC-KEY-IDENTIFIER` names one of the keys in " +
    "`TOKENMINT_SECRET_SCANNING_KEYS`, `GITHUB-PUBLIC-KEY-SIGNATURE` is the base64 DER ECDSA " +
    "P-256 / SHA-256 signature of the raw body. Every genuine token of this issuer is revoked at " +
    "once (reason `leaked`, a `token.leaked` audit event with the URL and source); the answer " +
    "labels each token by its SHA-256: `true_positive` for a genuine token (also when it was " +
    "revoked or expired already, and then nothing changes), `false_positive` for anything else.",
  security: ["none"],
  body: {
    schema: named("LeakReport", leakReportSchema),
    contentType: "application/json",
    required: true,
    example: [
      {
        token: TOKEN_EXAMPLE,
        type: "tokenmint_pat",
        url: "https://github.com/octo-org/octo-repo/blob/main/config.env",
        source: "content",
      },
    ],
  },
  responses: {
    200: {
      description: "One label per reported token",
      schema: named("LeakFeedback", scanningFeedbackSchema),
      example: [
        {
          token_hash: "d0a7e0b3e9c38d9a4a3c1b1f0c2f8f5e6a1b7c4d9e2f3a5b6c7d8e9f0a1b2c3d",
          token_type: "tokenmint_pat",
          label: "true_positive",
        },
      ],
    },
    ...problems(JSON_BODY, { 401: ["unauthenticated"] }, DURABLE_WRITE),
  },
};

/** Builds the secret scanning route. */
export function secretScanningRoutes(ctx: IssuerContext) {
  const routes = new Hono();

  defineRoute(routes, SECRET_SCANNING, async (c) => {
    c.header("Cache-Control", "no-store");
    const body = new Uint8Array(await c.req.arrayBuffer());
    const signed = verifyScannerSignature(
      ctx.config.secretScanningKeys,
      c.req.header("github-public-key-identifier"),
      c.req.header("github-public-key-signature"),
      body,
    );
    if (!signed) {
      throw new Unauthenticated("The request is not signed by a known secret scanning key");
    }
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") throw new UnsupportedMediaType("application/json");
    const reports = parseWith(leakReportSchema, parseJson(body));
    const actor = `scanner:${c.req.header("github-public-key-identifier")?.slice(0, 16)}`;
    const feedback = [];
    // One at a time: a report is small, and each revocation waits for its replicas.
    for (const report of reports) {
      const label = await handleLeakedToken(ctx, report, actor);
      feedback.push({
        token_hash: await tokenHash(report.token),
        token_type: report.type,
        label,
      });
    }
    return c.json(feedback, 200);
  });

  return routes;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw new InvalidRequest("invalid_json", "The body is not valid JSON");
  }
}
