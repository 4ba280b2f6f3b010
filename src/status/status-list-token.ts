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
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { NotFound } from "../errors.js";
import { signJwt } from "../keys/sign-jwt.js";
import { statusListUri } from "../tokens/issue-token.js";
import { STATUS_LIST_TOKEN_TYPE } from "../verifier/claims.js";
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

/**
 * How long an answer is served again without reading the list's bits from the store, unless this
 * context changed a status in the meantime (see {@link noteStatusChange}). Another instance's
 * change shows in this instance's answers at most this much later: small next to the list `ttl`
 * (at least 5 s) verifiers cache an answer for anyway.
 */
export const STATUS_LIST_REREAD_MS = 1000;

/** When each list's bits were last read, per context (real time, `performance.now()`). */
const readAt = new WeakMap<IssuerContext, Map<string, number>>();
/** When this context last changed a status in each list (same clock). */
const changedAt = new WeakMap<IssuerContext, Map<string, number>>();

/**
 * Marks a list as changed by this context, so its next answer reads the bits again.
 *
 * @example
 * ```ts
 * await ctx.store.setStatus(ref, TokenStatus.revoked);
 * noteStatusChange(ctx, ref.list);
 * ```
 */
export function noteStatusChange(ctx: IssuerContext, list: string): void {
  readAt.get(ctx)?.delete(list);
  let changes = changedAt.get(ctx);
  if (!changes) {
    changes = new Map();
    changedAt.set(ctx, changes);
  }
  changes.delete(list);
  changes.set(list, performance.now());
  if (changes.size > MAX_REMEMBERED_LISTS) changes.delete(changes.keys().next().value as string);
}

type NodeBufferClass = {
  from(
    bytes: ArrayBufferLike,
    offset: number,
    length: number,
  ): { equals(other: Uint8Array): boolean };
};
const NodeBuffer = (globalThis as { Buffer?: NodeBufferClass }).Buffer;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (NodeBuffer) return NodeBuffer.from(a.buffer, a.byteOffset, a.length).equals(b);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The Status List Token for the current state of a list. The bits are read from the store at
 * most {@link STATUS_LIST_REREAD_MS} after the last read, and at once after this context changed
 * a status, so a revocation through this instance shows in the very next answer; when the bits
 * are byte-for-byte what was signed less than `ttl` seconds ago, with a key still published, that
 * token is served again instead of compressing and signing anew.
 *
 * @throws {NotFound} when no such list was allocated in this store's epoch.
 */
export async function signStatusListToken(ctx: IssuerContext, list: string): Promise<string> {
  const now = epochSeconds(ctx.clock);
  const ttl = ctx.config.statusList.ttlSeconds;
  let remembered = signedLists.get(ctx);
  if (!remembered) {
    remembered = new Map();
    signedLists.set(ctx, remembered);
  }
  let reads = readAt.get(ctx);
  if (!reads) {
    reads = new Map();
    readAt.set(ctx, reads);
  }
  const previous = remembered.get(list);
  const lastRead = reads.get(list);
  const servable = async (candidate: SignedList) => {
    if (now - candidate.iat >= ttl) return false;
    const { keys } = await ctx.keyring.jwks();
    return keys.some((key) => key.kid === candidate.kid);
  };
  if (
    previous &&
    lastRead !== undefined &&
    performance.now() - lastRead < STATUS_LIST_REREAD_MS &&
    (await servable(previous))
  ) {
    return previous.jwt;
  }
  const readStarted = performance.now();
  const bytes = await ctx.store.readStatusList(list);
  if (!bytes) throw new NotFound("No such status list");
  const rememberRead = () => {
    // A read that began before this context's last change may have missed it: not remembered.
    if (readStarted <= (changedAt.get(ctx)?.get(list) ?? Number.NEGATIVE_INFINITY)) return;
    reads.delete(list);
    reads.set(list, readStarted);
    if (reads.size > MAX_REMEMBERED_LISTS) reads.delete(reads.keys().next().value as string);
  };
  if (previous && sameBytes(previous.bytes, bytes) && (await servable(previous))) {
    rememberRead();
    return previous.jwt;
  }
  const jwt = await signList(ctx, list, bytes, now, ttl);
  remembered.delete(list);
  remembered.set(list, { bytes, jwt: jwt.jwt, kid: jwt.kid, iat: now });
  if (remembered.size > MAX_REMEMBERED_LISTS) {
    remembered.delete(remembered.keys().next().value as string);
  }
  rememberRead();
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
  const jwt = await signJwt(signing, STATUS_LIST_TOKEN_TYPE, {
    iss: ctx.config.issuer,
    sub: statusListUri(ctx.config.issuer, list),
    iat: now,
    exp: now + statusListLifetime(ttl),
    ttl,
    status_list: { bits: 2, lst: await compressStatusList(bytes) },
  });
  return { jwt, kid: signing.kid };
}
