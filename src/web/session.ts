/**
 * Sessions of the token-management page. A user signs in by pasting a token that carries
 * `manage_tokens`; the issuer checks it exactly (as bearer authentication does) and then forgets
 * it: the session cookie holds only the token's id, its subject, a CSRF secret and the session's
 * end, encrypted and authenticated (JWE `dir` + `A256GCM`) under a key derived with HKDF from the
 * first KEK (or a per-process random key when no KEK is configured: embedded development mode).
 *
 * The session is only as alive as that token: every request re-reads its record and status bit,
 * and ends the session when the token was revoked, rotated elsewhere, suspended, expired, lost
 * its signing key, or the session's own lifetime (`TOKENMINT_UI_SESSION_TTL`) is over.
 *
 * The cookie is `HttpOnly`, `SameSite=Strict`, and on an https issuer `__Host-` prefixed (hence
 * `Secure`, `Path=/`, no `Domain`); on plain http (development) it is scoped to `Path=/ui`.
 * @module
 */
import { addressInRanges } from "@tokenmint/verifier";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { base64url, EncryptJWT, jwtDecrypt } from "jose";
import { epochSeconds } from "../clock.js";
import { constantTimeEqual } from "../constant-time.js";
import type { IssuerContext } from "../context.js";
import type { UserCaller } from "../http/authenticate.js";
import { randomId } from "../random.js";
import { TokenStatus } from "../store/types.js";
import { claimsFor } from "../tokens/issue-token.js";

/** What the cookie carries. */
export interface Session {
  /** The id (`jti`) of the token the user signed in with. */
  readonly jti: string;
  readonly sub: string;
  /** The per-session CSRF secret every form posts back. */
  readonly csrf: string;
  /** When the session ends (seconds since the epoch). */
  readonly exp: number;
}

/** A live session and the caller it stands for. */
export interface SignedIn {
  readonly session: Session;
  readonly caller: UserCaller;
}

const COOKIE = "tm_ui";

/** Seals and opens session cookies for one issuer. */
export interface SessionCookies {
  /** Starts a session for a token that passed the exact check. */
  start(c: Context, jti: string, sub: string, tokenExp: number | null): Promise<Session>;
  /** The live session of the request, or undefined (and the cookie is cleared). */
  resume(c: Context): Promise<SignedIn | undefined>;
  end(c: Context): void;
  /** Whether the posted CSRF value is the session's. */
  checkCsrf(session: Session, posted: unknown): Promise<boolean>;
}

async function sessionKey(ctx: IssuerContext): Promise<Uint8Array> {
  const kek = ctx.config.keks[0];
  if (kek === undefined) return crypto.getRandomValues(new Uint8Array(32));
  const material = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(base64url.decode(kek)),
    "HKDF",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new TextEncoder().encode("tokenmint"),
      info: new TextEncoder().encode("tokenmint web session v1"),
    },
    material,
    256,
  );
  return new Uint8Array(bits);
}

/** Creates the session handling of the page. */
export function sessionCookies(ctx: IssuerContext): SessionCookies {
  const secure = new URL(ctx.config.issuer).protocol === "https:";
  const options = secure
    ? ({ prefix: "host", path: "/", secure: true } as const)
    : ({ path: "/ui", secure: false } as const);
  let key: Promise<Uint8Array> | undefined;
  const keyOf = () => {
    key ??= sessionKey(ctx);
    return key;
  };

  const end = (c: Context) => {
    deleteCookie(c, COOKIE, { ...options, httpOnly: true, sameSite: "Strict" });
  };

  return {
    async start(c, jti, sub, tokenExp) {
      const now = epochSeconds(ctx.clock);
      const limit = now + ctx.config.ui.sessionSeconds;
      const exp = tokenExp === null ? limit : Math.min(limit, tokenExp);
      const session: Session = { jti, sub, csrf: randomId(32), exp };
      const sealed = await new EncryptJWT({ jti, sub, csrf: session.csrf })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setIssuedAt(now)
        .setExpirationTime(exp)
        .encrypt(await keyOf());
      setCookie(c, COOKIE, sealed, {
        ...options,
        httpOnly: true,
        sameSite: "Strict",
        maxAge: Math.max(0, exp - now),
      });
      return session;
    },

    async resume(c) {
      const sealed = getCookie(c, COOKIE, secure ? "host" : undefined);
      if (!sealed) return undefined;
      const session = await open(sealed);
      const caller = session && (await liveCaller(ctx, session));
      // A session acts for its token, so it ends where the token may not be used.
      const allowed = caller?.stored.record.allowed_ips;
      if (!session || !caller || (allowed && !addressInRanges(ctx.clientIp?.(c), allowed))) {
        end(c);
        return undefined;
      }
      return { session, caller };
    },

    end,

    async checkCsrf(session, posted) {
      return typeof posted === "string" && constantTimeEqual(session.csrf, posted);
    },
  };

  async function open(sealed: string): Promise<Session | undefined> {
    try {
      const { payload } = await jwtDecrypt(sealed, await keyOf(), {
        currentDate: new Date(ctx.clock()),
        clockTolerance: 0,
      });
      const { jti, sub, csrf, exp } = payload;
      if (typeof jti !== "string" || typeof sub !== "string" || typeof csrf !== "string") {
        return undefined;
      }
      return { jti, sub, csrf, exp: exp as number };
    } catch {
      return undefined;
    }
  }
}

/**
 * The caller a session stands for, if the token it was started with is still live: active record
 * of the same subject, valid status bit, not expired, its signing key still published.
 */
async function liveCaller(ctx: IssuerContext, session: Session): Promise<UserCaller | undefined> {
  const stored = await ctx.store.getToken(session.jti);
  if (!stored || stored.record.sub !== session.sub || stored.state !== "active") return undefined;
  const { record } = stored;
  if (record.exp !== null && record.exp <= epochSeconds(ctx.clock)) return undefined;
  const [status, jwks] = await Promise.all([
    ctx.store.getStatus(record.status),
    ctx.keyring.jwks(),
  ]);
  if (status !== TokenStatus.valid) return undefined;
  if (!jwks.keys.some((key) => key.kid === record.kid)) return undefined;
  // The token itself is not kept anywhere: a session acts on its record.
  return { kind: "user", token: "", claims: claimsFor(record, ctx.config.issuer), stored };
}
