/**
 * The Status List Token (draft-ietf-oauth-status-list, section 5.1): a JWT of type
 * `statuslist+jwt` whose `sub` is the list's URI, carrying the zlib-compressed 2-bit list, its
 * `ttl`, and an `exp` that bounds how long a copy may be relied on. Signed with the active key.
 *
 * @example
 * ```ts
 * const jwt = await signStatusListToken(ctx, "k3v9q2m7xa-0");
 * ```
 * @module
 */
import { SignJWT } from "jose";
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { NotFound } from "../errors.js";
import { statusListUri } from "../tokens/issue-token.js";
import { STATUS_LIST_TOKEN_TYPE } from "../verifier/claims.js";
import { toLowS } from "../verifier/low-s.js";
import { compressStatusList } from "./codec.js";

/** How long a status list token stays valid: ten `ttl`s, at least ten minutes. */
export function statusListLifetime(ttlSeconds: number): number {
  return Math.max(600, ttlSeconds * 10);
}

/** A signed status list, kept to be served again while its bits have not changed. */
interface SignedList {
  readonly bytes: Uint8Array;
  readonly jwt: string;
  readonly kid: string;
  readonly iat: number;
}

/** The last token signed per list, per context (one process or isolate). */
const signedLists = new WeakMap<IssuerContext, Map<string, SignedList>>();
/** At most this many lists are remembered per context. */
const MAX_REMEMBERED_LISTS = 256;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The Status List Token for the current state of a list. The bits are read from the store on
 * every call, so a revocation shows in the very next answer; only when they are byte-for-byte
 * what was signed less than `ttl` seconds ago, with a key still published, is that token served
 * again instead of compressing and signing anew.
 *
 * @throws {NotFound} when no such list was allocated in this store's epoch.
 */
export async function signStatusListToken(ctx: IssuerContext, list: string): Promise<string> {
  const bytes = await ctx.store.readStatusList(list);
  if (!bytes) throw new NotFound("No such status list");
  const now = epochSeconds(ctx.clock);
  const ttl = ctx.config.statusList.ttlSeconds;
  let remembered = signedLists.get(ctx);
  if (!remembered) {
    remembered = new Map();
    signedLists.set(ctx, remembered);
  }
  const previous = remembered.get(list);
  if (previous && now - previous.iat < ttl && sameBytes(previous.bytes, bytes)) {
    const { keys } = await ctx.keyring.jwks();
    if (keys.some((key) => key.kid === previous.kid)) return previous.jwt;
  }
  const jwt = await signList(ctx, list, bytes, now, ttl);
  remembered.delete(list);
  remembered.set(list, { bytes, jwt: jwt.jwt, kid: jwt.kid, iat: now });
  if (remembered.size > MAX_REMEMBERED_LISTS) {
    remembered.delete(remembered.keys().next().value as string);
  }
  return jwt.jwt;
}

async function signList(
  ctx: IssuerContext,
  list: string,
  bytes: Uint8Array,
  now: number,
  ttl: number,
): Promise<{ jwt: string; kid: string }> {
  const signing = await ctx.keyring.signingKey();
  const jwt = await new SignJWT({
    sub: statusListUri(ctx.config.issuer, list),
    iat: now,
    exp: now + statusListLifetime(ttl),
    ttl,
    status_list: { bits: 2, lst: await compressStatusList(bytes) },
  })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: STATUS_LIST_TOKEN_TYPE })
    .setIssuer(ctx.config.issuer)
    .sign(signing.privateKey);
  return { jwt: toLowS(signing.alg, jwt), kid: signing.kid };
}
