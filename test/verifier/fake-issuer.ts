/**
 * A fake tokenmint issuer for verifier tests: test keys, a JWKS and status lists served through
 * msw handlers, tokens and Status List Tokens signed with jose, and a frozen clock.
 * @module
 */
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { HttpResponse, http } from "msw";
import { type SetupServer, setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { toLowS } from "../../packages/verifier/src/jws/low-s.js";
import { type StatusListBits, writeStatus } from "../../packages/verifier/src/status/bits.js";
import { compressStatusList } from "../../packages/verifier/src/status/codec.js";
import { createVerifier } from "../../packages/verifier/src/verifier/create-verifier.js";
import type { VerifierOptions } from "../../packages/verifier/src/verifier/verifier-options.js";

export const ISSUER = "https://tokens.example.com";
export const AUDIENCE = "https://api.example.com";
export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`;
export const LIST_URI = `${ISSUER}/v1/status-lists/1`;
export const T0 = Date.UTC(2030, 0, 1);

export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A fresh key pair with its public JWK as the issuer publishes it. */
export async function makeKey(alg = "ES256", kid = `${alg.toLowerCase()}-key`): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk };
}

interface ListState {
  bits: StatusListBits;
  bytes: Uint8Array;
  ttl?: number;
  /** Seconds from signing to `exp`; `undefined` omits `exp`. */
  expIn?: number;
  fail?: boolean;
  signer?: TestKey;
  sub?: string;
  typ?: string;
}

/** The fake issuer: mutable state behind msw handlers, on a clock the test advances. */
export class FakeIssuer {
  nowMs = T0;
  keys: TestKey[] = [];
  jwksFail = false;
  jwksHits = 0;
  readonly lists = new Map<string, ListState>();
  readonly listHits = new Map<string, number>();
  readonly now = () => this.nowMs;
  private seq = 0;

  static async create(alg = "ES256"): Promise<FakeIssuer> {
    const issuer = new FakeIssuer();
    issuer.keys = [await makeKey(alg)];
    issuer.lists.set(LIST_URI, { bits: 2, bytes: new Uint8Array(16), ttl: 60, expIn: 3600 });
    return issuer;
  }

  get seconds(): number {
    return Math.floor(this.nowMs / 1000);
  }

  advance(seconds: number): void {
    this.nowMs += seconds * 1000;
  }

  setStatus(idx: number, status: number, uri = LIST_URI): void {
    const list = this.lists.get(uri) as ListState;
    writeStatus(list.bytes, list.bits, idx, status);
  }

  list(uri = LIST_URI): ListState {
    return this.lists.get(uri) as ListState;
  }

  handlers() {
    return [
      http.get(JWKS_URI, () => {
        this.jwksHits++;
        if (this.jwksFail) return new HttpResponse(null, { status: 503 });
        return HttpResponse.json(
          { keys: this.keys.map((k) => k.publicJwk) },
          { headers: { "Content-Type": "application/jwk-set+json" } },
        );
      }),
      http.get(`${ISSUER}/v1/status-lists/:id`, async ({ request }) => {
        const uri = request.url;
        this.listHits.set(uri, (this.listHits.get(uri) ?? 0) + 1);
        const list = this.lists.get(uri);
        if (!list) return new HttpResponse(null, { status: 404 });
        if (list.fail) return new HttpResponse(null, { status: 500 });
        const body = await this.statusListToken(uri, list);
        return new HttpResponse(body, {
          headers: { "Content-Type": "application/statuslist+jwt" },
        });
      }),
    ];
  }

  async statusListToken(uri: string, list: ListState): Promise<string> {
    const signer = list.signer ?? (this.keys[0] as TestKey);
    const payload: JWTPayload = {
      sub: list.sub ?? uri,
      iat: this.seconds,
      status_list: { bits: list.bits, lst: await compressStatusList(list.bytes) },
      ...(list.ttl === undefined ? {} : { ttl: list.ttl }),
      ...(list.expIn === undefined ? {} : { exp: this.seconds + list.expIn }),
    };
    return toLowS(
      signer.alg,
      await new SignJWT(payload)
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: list.typ ?? "statuslist+jwt" })
        .sign(signer.privateKey),
    );
  }

  /** Default access-token claims at the current time. */
  claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const jti = `tok-${++this.seq}`;
    return {
      iss: ISSUER,
      sub: "user-1",
      aud: [AUDIENCE],
      client_id: "svc-portal",
      iat: this.seconds,
      nbf: this.seconds,
      exp: this.seconds + 3600,
      jti,
      scope: "read_api read_project",
      fam: jti,
      status: { status_list: { idx: 0, uri: LIST_URI } },
      ...overrides,
    };
  }

  /** A signed token, `tmpat_`-prefixed unless `prefix` says otherwise. */
  async token(
    overrides: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
    key: TestKey = this.keys[0] as TestKey,
    prefix = "tmpat_",
  ): Promise<string> {
    const claims = Object.fromEntries(
      Object.entries(this.claims(overrides)).filter(([, v]) => v !== undefined),
    );
    // Like the real issuer, emit only low-S ECDSA signatures (the verifier refuses the twin).
    const jwt = toLowS(
      String(header.alg ?? key.alg),
      await new SignJWT(claims)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header })
        .sign(key.privateKey),
    );
    return prefix + jwt;
  }

  verifier(options: Partial<VerifierOptions> = {}) {
    return createVerifier({ issuer: ISSUER, audience: AUDIENCE, now: this.now, ...options });
  }
}

/** Resolves to the error code a promise rejects with (or "ok"). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded: ${String(error)}`;
  }
}

/**
 * Registers the msw server and a fresh {@link FakeIssuer} per test; `use` receives each new
 * issuer. Returns the server, for tests that add their own handlers.
 */
export function withFakeIssuer(use: (issuer: FakeIssuer) => void): SetupServer {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  beforeEach(async () => {
    const issuer = await FakeIssuer.create();
    use(issuer);
    server.use(...issuer.handlers());
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
