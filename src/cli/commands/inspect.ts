/**
 * `tokenmint inspect <token>`: decodes a token and verifies it with the package's own verifier
 * (`src/verifier`) against the issuer's JWKS and status list, then explains each check in a plain
 * line: passed, failed (with the verifier's stable code), or not reached.
 * @module
 */
import { createVerifier, TokenVerificationFailed } from "@tokenmint/verifier";
import { splitTokenPrefix, type TokenPrefixes } from "@tokenmint/verifier/jwt";
import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from "jose";
import { type Command, stringValue, targetOf, tokenArgument } from "../command.js";
import { CliError, EXIT, unreachable } from "../issuer-client.js";

/** The checks, in the order the verifier makes them, with the codes that mean each failed. */
const CHECKS = [
  { name: "format", codes: ["token_malformed", "token_missing"] },
  { name: "algorithm", codes: ["algorithm_not_allowed"] },
  { name: "key", codes: ["key_unknown", "keys_unavailable"] },
  { name: "signature", codes: ["signature_invalid"] },
  { name: "type", codes: ["type_mismatch"] },
  { name: "issuer", codes: ["issuer_mismatch"] },
  { name: "audience", codes: ["audience_mismatch"] },
  { name: "time", codes: ["token_expired", "token_not_yet_valid"] },
  { name: "claims", codes: ["claim_invalid"] },
  { name: "status", codes: ["token_revoked", "token_suspended", "status_unavailable"] },
] as const;

type CheckName = (typeof CHECKS)[number]["name"];

interface Decoded {
  readonly header: ProtectedHeaderParameters;
  readonly claims: JWTPayload & Record<string, unknown>;
}

const iso = (seconds: unknown) =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : "absent";

function relative(seconds: number, now: number): string {
  const delta = Math.round(seconds - now);
  const abs = Math.abs(delta);
  const span =
    abs >= 86400
      ? `${Math.round(abs / 86400)}d`
      : abs >= 3600
        ? `${Math.round(abs / 3600)}h`
        : `${Math.round(abs / 60)}m`;
  return delta >= 0 ? `in ${span}` : `${span} ago`;
}

/** What each check looks at, from the decoded token (shown whatever the verdict). */
function explanations(
  decoded: Decoded | undefined,
  context: {
    issuer: string;
    prefixes: TokenPrefixes;
    audience: string[] | undefined;
    algorithms: string[];
  },
): Record<CheckName, string> {
  const header = decoded?.header ?? {};
  const claims = decoded?.claims ?? {};
  const now = Date.now() / 1000;
  const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
  const status = (claims.status as { status_list?: { uri?: string; idx?: number } } | undefined)
    ?.status_list;
  return {
    format: `the prefix of a kind (${Object.entries(context.prefixes)
      .map(([kind, prefix]) => `${kind} ${JSON.stringify(prefix)}`)
      .join(
        ", ",
      )}) then a compact JWS (header.payload.signature), canonical base64url; the kind claim must name the prefix's kind`,
    algorithm: `alg ${header.alg ?? "absent"}; allowed: ${context.algorithms.join(", ")} (asymmetric only)`,
    key: `kid ${header.kid ?? "absent"} must be in ${context.issuer}/.well-known/jwks.json`,
    signature: "the signature must verify with that key (ECDSA: low-S form only)",
    type: `typ ${header.typ ?? "absent"}; must be at+jwt (RFC 9068)`,
    issuer: `iss ${JSON.stringify(claims.iss ?? null)}; must be ${JSON.stringify(context.issuer)}`,
    audience: context.audience
      ? `aud ${JSON.stringify(aud)}; must name one of ${JSON.stringify(context.audience)}`
      : `aud ${JSON.stringify(aud)}; not pinned (pass --audience to check it for your service)`,
    time: `issued ${iso(claims.iat)}, valid from ${iso(claims.nbf)}, expires ${iso(claims.exp)}${typeof claims.exp === "number" ? ` (${relative(claims.exp, now)})` : ""}; 30 s clock tolerance`,
    claims: `sub ${JSON.stringify(claims.sub ?? null)}, jti ${JSON.stringify(claims.jti ?? null)}, scope ${JSON.stringify(claims.scope ?? null)}${claims.org ? `, org ${JSON.stringify(claims.org)}` : ""}${claims.cell ? `, cell ${JSON.stringify(claims.cell)}` : ""} must be well-formed`,
    status: status
      ? `entry ${status.idx} of ${status.uri} must be 0 (valid); 1 is revoked, 2 suspended`
      : "no status claim",
  };
}

function decode(token: string, prefixes: TokenPrefixes): Decoded | undefined {
  const jws = splitTokenPrefix(token, prefixes)?.rest ?? token;
  try {
    return {
      header: decodeProtectedHeader(jws),
      claims: decodeJwt(jws) as JWTPayload & Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/** The verifier's codes that mean it got no answer from the issuer, not a verdict. */
const NO_ANSWER = new Set(["keys_unavailable", "status_unavailable"]);

/**
 * The token prefix and algorithms from the issuer's metadata ({} when it has none). Fetched first,
 * so an issuer that cannot be reached is reported as such, not as a failed key check.
 */
async function issuerMetadata(
  issuer: string,
): Promise<{ prefixes?: TokenPrefixes; algorithms?: string[] }> {
  let response: Response;
  try {
    response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
  } catch (error) {
    throw unreachable(issuer, error);
  }
  try {
    if (!response.ok) return {};
    const metadata = (await response.json()) as {
      tokenmint_token_prefix?: unknown;
      tokenmint_token_prefixes?: unknown;
      access_token_signing_alg_values_supported?: unknown;
    };
    return {
      ...(isPrefixTable(metadata.tokenmint_token_prefixes)
        ? { prefixes: metadata.tokenmint_token_prefixes }
        : typeof metadata.tokenmint_token_prefix === "string"
          ? { prefixes: { pat: metadata.tokenmint_token_prefix } }
          : {}),
      ...(Array.isArray(metadata.access_token_signing_alg_values_supported)
        ? { algorithms: metadata.access_token_signing_alg_values_supported as string[] }
        : {}),
    };
  } catch {
    return {};
  }
}

/** Whether metadata's `tokenmint_token_prefixes` is a table of kind → prefix. */
function isPrefixTable(value: unknown): value is TokenPrefixes {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((prefix) => typeof prefix === "string")
  );
}

/** `tokenmint inspect` (see its `help`). */
export const inspect: Command = {
  summary: "decode and verify a token, explaining every check",
  help: `Usage: tokenmint inspect <token | -> [options]

Decodes a token and verifies it the way a downstream service does (the tokenmint verifier):
format, algorithm, the signing key in the issuer's JWKS, the signature, typ, iss, aud, times,
claims, and its entry in the issuer's status list. Prints one line per check; exits 0 when every
check passed, 1 when one failed, 3 when the issuer's keys or status list could not be fetched.
Give "-" to read the token from standard input.

Options:
  --audience LIST         your service's audience(s); without it aud is shown, not checked
  --prefix PREFIX         the token prefix, for an issuer of one kind (default: every kind's
                          prefix from the issuer's metadata, else tmpat_)
  --json                  print only JSON on standard output ({valid, code, checks, header,
                          claims}); the check lines go to standard error
  --issuer URL            the issuer whose keys must have signed it (default $TOKENMINT_ISSUER,
                          else http://localhost:8080)`,
  options: {
    issuer: { type: "string" },
    audience: { type: "string" },
    prefix: { type: "string" },
    json: { type: "boolean" },
  },
  positionals: [1, 1],
  async run(values, [argument], io) {
    const token = await tokenArgument(argument as string, io);
    const { issuer } = await targetOf(values, io);
    const metadata = await issuerMetadata(issuer);
    const given = stringValue(values, "prefix");
    const prefixes =
      given === undefined ? (metadata.prefixes ?? { pat: "tmpat_" }) : { pat: given };
    const algorithms = metadata.algorithms ?? ["ES256", "EdDSA", "RS256", "PS256"];
    const pinned = stringValue(values, "audience")
      ?.split(",")
      .map((value) => value.trim())
      .filter(Boolean);
    const decoded = decode(token, prefixes);
    const tokenAud = decoded?.claims.aud;
    const audience =
      pinned ??
      (Array.isArray(tokenAud) ? tokenAud : typeof tokenAud === "string" ? [tokenAud] : []);
    if (audience.length === 0) audience.push("(none)");
    const verifier = createVerifier({
      issuer,
      audience,
      prefixes,
      algorithms,
    });
    let failure: TokenVerificationFailed | undefined;
    try {
      await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof TokenVerificationFailed)) {
        throw new CliError(`Verification crashed: ${(error as Error).message}`, EXIT.unavailable);
      }
      failure = error;
    }
    const why = explanations(decoded, { issuer, prefixes, audience: pinned, algorithms });
    const failedAt = failure
      ? CHECKS.findIndex((check) => (check.codes as readonly string[]).includes(failure.code))
      : -1;
    // With --json, standard output carries only the JSON; the explanation goes to standard error.
    const say = values.json ? io.err : io.out;
    const results: { name: CheckName; result: "ok" | "fail" | "not_reached"; detail: string }[] =
      [];
    say(`issuer ${issuer}`);
    CHECKS.forEach((check, index) => {
      const result =
        failure === undefined || (failedAt !== -1 && index < failedAt)
          ? "ok"
          : index === failedAt
            ? "fail"
            : "not_reached";
      results.push({ name: check.name, result, detail: why[check.name] });
      const mark = { ok: "ok  ", fail: "FAIL", not_reached: "--  " }[result];
      say(`${mark}  ${check.name.padEnd(9)}  ${why[check.name]}`);
      if (index === failedAt && failure) say(`        -> ${failure.code}: ${failure.message}`);
    });
    if (failure && failedAt === -1) say(`FAIL  ${failure.code}: ${failure.message}`);
    say(failure ? `INVALID (${failure.code})` : "VALID: every check passed");
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            valid: failure === undefined,
            code: failure?.code ?? null,
            issuer,
            checks: results,
            header: decoded?.header ?? null,
            claims: decoded?.claims ?? null,
          },
          null,
          2,
        ),
      );
    }
    if (!failure) return EXIT.ok;
    return NO_ANSWER.has(failure.code) ? EXIT.unavailable : EXIT.refused;
  },
};
