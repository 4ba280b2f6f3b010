/**
 * The size bound a mint checks before it writes anything: for any claims, ASCII or not, it is the
 * encoded length of the widest header and claims (longest key id, cell and status list id), and
 * a token actually signed with such values is never longer.
 */
import type { AccessTokenClaims } from "@tokenmint/verifier";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxTokenLength, type PendingParts } from "../../src/tokens/token-size.js";

const encoder = new TextEncoder();
const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const statusUri = (list: string) => `https://issuer.example/v1/status-lists/${list}`;
const pending: PendingParts = { alg: "ES256", typ: "at+jwt", maxIdx: 131071, statusUri };

/** A text of any Unicode (lone surrogates included, which JSON escapes) or of ASCII only. */
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

const claims = fc.record({
  sub: text,
  scope: text,
  org: fc.option(text, { nil: undefined }),
  permissions: fc.option(fc.dictionary(text, fc.array(text, { maxLength: 4 })), {
    nil: undefined,
  }),
});

function claimsOf(drawn: {
  sub: string;
  scope: string;
  org: string | undefined;
  permissions: Record<string, string[]> | undefined;
}): AccessTokenClaims {
  return {
    iss: "https://issuer.example",
    sub: drawn.sub,
    aud: ["https://api.example"],
    client_id: "platform",
    iat: 1_800_000_000,
    nbf: 1_800_000_000,
    exp: 1_802_592_000,
    jti: "wAUDGq3lXTNYpmNEhUNoUQ",
    scope: drawn.scope,
    ...(drawn.permissions === undefined ? {} : { permissions: drawn.permissions }),
    ...(drawn.org === undefined ? {} : { org: drawn.org }),
    fam: "wAUDGq3lXTNYpmNEhUNoUQ",
    kind: "pat",
    status: { status_list: { idx: 0, uri: statusUri("") } },
  };
}

describe("maxTokenLength", () => {
  it("is the encoded length of the widest header and claims, for ASCII and other text alike", () => {
    fc.assert(
      fc.property(claims, (drawn) => {
        const signed = claimsOf(drawn);
        const widest = {
          ...signed,
          ...(signed.org === undefined ? {} : { cell: "c".repeat(64) }),
          status: { status_list: { idx: 131071, uri: statusUri("l".repeat(22)) } },
        };
        const header = { alg: "ES256", kid: "k".repeat(43), typ: "at+jwt" };
        const encodedLength = (value: object) =>
          Math.ceil((encoder.encode(JSON.stringify(value)).length * 4) / 3);
        expect(maxTokenLength(signed, pending)).toBe(
          encodedLength(header) + 1 + encodedLength(widest) + 1 + Math.ceil((64 * 4) / 3),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("bounds a token signed with the longest key id, cell and status entry", () => {
    fc.assert(
      fc.property(claims, (drawn) => {
        const signed = claimsOf(drawn);
        const header = { alg: "ES256", kid: "k".repeat(43), typ: "at+jwt" };
        const payload = {
          ...signed,
          ...(signed.org === undefined ? {} : { cell: "c".repeat(64) }),
          status: { status_list: { idx: 131071, uri: statusUri("1796246931-p1234567890") } },
        };
        const token = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${"s".repeat(86)}`;
        expect(token.length).toBeLessThanOrEqual(maxTokenLength(signed, pending));
      }),
      { numRuns: 300 },
    );
  });
});
