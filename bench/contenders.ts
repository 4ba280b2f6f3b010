/**
 * The verifiers compared, each set up once on the same key and called on the same tokens: raw
 * `node:crypto` (signature only: the physical limit), jose `jwtVerify`, fast-jwt with and without
 * its cache, jsonwebtoken, hono/jwk, and tokenmint's verifier cold and warm. The libraries check
 * signature, `iss`, `aud`, `exp`; tokenmint also checks `typ`, the claim shapes, low-S and the
 * status bit (from its cached status list).
 * @module
 */
import { verify as cryptoVerify } from "node:crypto";
import { createVerifier, requireToken } from "@tokenmint/verifier";
import { createVerifier as createFastJwt } from "fast-jwt";
import { Hono } from "hono";
import { jwk } from "hono/jwk";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import { AUDIENCE, type Fixture, ISSUER } from "./fixtures.js";
import type { Operation } from "./measure.js";

const HASH: Record<string, string | null> = { ES256: "sha256", RS256: "sha256", EdDSA: null };

/**
 * The `i`-th token as a server would hand it over: a new string each time, decoded from bytes
 * (as from an HTTP header). A cache keyed on the string would otherwise meet the same string
 * object again and again, whose hash V8 keeps: faster than anything a real request sees.
 */
function presented(tokens: readonly string[]): (i: number) => string {
  const bytes = tokens.map((token) => Buffer.from(token, "latin1"));
  return (i) => (bytes[i % bytes.length] as Buffer).toString("latin1");
}

function splitJws(jws: string): { data: Buffer; signature: Buffer } {
  const dot = jws.lastIndexOf(".");
  return {
    data: Buffer.from(jws.slice(0, dot)),
    signature: Buffer.from(jws.slice(dot + 1), "base64url"),
  };
}

/** Raw signature verification: synchronous, or through the thread pool (callback form). */
export function rawCrypto(fixture: Fixture): { sync: Operation; pooled: Operation } {
  const parts = fixture.jws.map(splitJws);
  const n = parts.length;
  const hash = HASH[fixture.alg] ?? null;
  const key = { key: fixture.keyObject, dsaEncoding: "ieee-p1363" as const };
  return {
    sync: (i) => {
      const { data, signature } = parts[i % n] as { data: Buffer; signature: Buffer };
      if (!cryptoVerify(hash, data, key, signature)) throw new Error("bad signature");
    },
    pooled: (i) => {
      const { data, signature } = parts[i % n] as { data: Buffer; signature: Buffer };
      return new Promise<void>((resolve, reject) =>
        cryptoVerify(hash, data, key, signature, (error, ok) =>
          error || !ok ? reject(error ?? new Error("bad signature")) : resolve(),
        ),
      );
    },
  };
}

/** The third-party JWT libraries. */
export function libraries(fixture: Fixture): Record<string, Operation> {
  const { jws, alg } = fixture;
  const n = jws.length;
  const pick = presented(jws);
  const fastOptions = {
    key: fixture.pem,
    algorithms: [alg] as never,
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
  };
  const fastCold = createFastJwt({ ...fastOptions, cache: false });
  const fastWarm = createFastJwt({ ...fastOptions, cache: n * 2 });
  const contenders: Record<string, Operation> = {
    "jose jwtVerify": (i) =>
      jwtVerify(pick(i), fixture.publicKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [alg],
      }),
    "fast-jwt": (i) => fastCold(pick(i)),
    "fast-jwt cached": (i) => fastWarm(pick(i)),
  };
  // jsonwebtoken 9 has no EdDSA.
  if (alg !== "EdDSA") {
    contenders.jsonwebtoken = (i) =>
      jsonwebtoken.verify(pick(i), fixture.pem, {
        algorithms: [alg as "ES256" | "RS256"],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
  }
  return contenders;
}

/** tokenmint's verifier, without and with its verified-token cache. */
export function tokenmint(fixture: Fixture): Record<string, Operation> {
  const { tokens } = fixture;
  const n = tokens.length;
  const base = {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [fixture.publicJwk] },
    fetch: fixture.fetch,
  };
  const token = presented(tokens);
  const cold = createVerifier({ ...base, cache: false });
  const warm = createVerifier({ ...base, cache: { maxEntries: n * 2 } });
  return {
    "tokenmint cold": (i) => cold.verify(token(i)),
    "tokenmint warm": (i) => warm.verify(token(i)),
  };
}

async function expectOk(response: Response | Promise<Response>): Promise<void> {
  const status = (await response).status;
  if (status !== 200) throw new Error(`middleware answered ${status}`);
}

/** The two Hono middlewares, called through `app.request` in-process. */
export function middlewares(fixture: Fixture): Record<string, Operation> {
  const { tokens, jws, alg } = fixture;
  const n = tokens.length;
  const honoApp = new Hono();
  honoApp.use(
    "/r",
    jwk({
      keys: [fixture.publicJwk as HonoJsonWebKey],
      alg: [alg],
      verification: { iss: ISSUER, aud: AUDIENCE, typ: "at+jwt" },
    }),
  );
  honoApp.get("/r", (c) => c.text("ok"));
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: { keys: [fixture.publicJwk] },
    fetch: fixture.fetch,
    cache: false,
  });
  const ours = new Hono();
  ours.use("/r", requireToken({ verifier, permission: "read_api" }));
  ours.get("/r", (c) => c.text("ok"));
  const call = (app: Hono, token: string) =>
    expectOk(app.request("/r", { headers: { authorization: `Bearer ${token}` } }));
  return {
    "hono/jwk": (i) => call(honoApp, jws[i % n] as string),
    "requireToken cold": (i) => call(ours, tokens[i % n] as string),
  };
}
