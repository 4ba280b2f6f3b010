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
import { STATUS_LIST_TOKEN_TYPE } from "@tokenmint/verifier";
import { compressStatusList } from "@tokenmint/verifier/status";
import { epochSeconds } from "../clock.js";
import { statusListLifetime } from "../config/status-list-lifetime.js";
import { type IssuerContext, perContext } from "../context.js";
import { NotFound } from "../errors.js";
import { signJwt } from "../keys/sign-jwt.js";
import { parseListId } from "../store/status-layout.js";
import { statusListUri } from "./status-list-uri.js";

/** A signed status list, kept to be served again while its bits have not changed. */
interface SignedList {
  readonly bytes: Uint8Array;
  readonly jwt: string;
  readonly kid: string;
  readonly iat: number;
}

/** At most this many lists are remembered per context. */
const MAX_REMEMBERED_LISTS = 256;

/**
 * How long an answer is served again without reading the list's bits from the store, unless this
 * context changed a status in the meantime (see {@link noteStatusChange}). Another instance's
 * change shows in this instance's answers at most this much later: small next to the list `ttl`
 * (at least 5 s) verifiers cache an answer for anyway.
 */
export const STATUS_LIST_REREAD_MS = 1000;

/** What one context (process or isolate) remembers of one list; times are `performance.now()`. */
interface ListMemory {
  /** The last token signed for it. */
  signed?: SignedList;
  /** When its bits were last read (a read that saw every change this context made). */
  readAt?: number;
  /** When this context last changed a status in it. */
  changedAt?: number;
}

const listsOf = perContext(() => new Map<string, ListMemory>());

/** The memory of `list` in `ctx`, created on first use; the least recently used list is forgotten. */
function memoryOf(ctx: IssuerContext, list: string): ListMemory {
  const lists = listsOf(ctx);
  const memory = lists.get(list) ?? {};
  lists.delete(list);
  lists.set(list, memory);
  if (lists.size > MAX_REMEMBERED_LISTS) lists.delete(lists.keys().next().value as string);
  return memory;
}

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
  const memory = memoryOf(ctx, list);
  memory.changedAt = performance.now();
  delete memory.readAt;
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
  // Junk ids never reach the store or the memory, whose least recently used lists they would evict.
  if (!parseListId(list)) throw new NotFound("No such status list");
  const now = epochSeconds(ctx.clock);
  const ttl = ctx.config.statusList.ttlSeconds;
  const known = listsOf(ctx).has(list) ? memoryOf(ctx, list) : undefined;
  if (
    known?.signed &&
    known.readAt !== undefined &&
    performance.now() - known.readAt < STATUS_LIST_REREAD_MS &&
    (await servable(ctx, known.signed, now, ttl))
  ) {
    return known.signed.jwt;
  }
  const readStarted = performance.now();
  const bytes = await ctx.store.readStatusList(list);
  // Remembered only once the store knows it: well-formed ids of no list evict nothing either.
  if (!bytes) throw new NotFound("No such status list");
  const memory = memoryOf(ctx, list);
  const previous = memory.signed;
  if (
    !(previous && sameBytes(previous.bytes, bytes) && (await servable(ctx, previous, now, ttl)))
  ) {
    const { jwt, kid } = await signList(ctx, list, bytes, now, ttl);
    memory.signed = { bytes, jwt, kid, iat: now };
  }
  // A read that began before this context's last change may have missed it: not remembered.
  if (readStarted > (memory.changedAt ?? Number.NEGATIVE_INFINITY)) memory.readAt = readStarted;
  return (memory.signed as SignedList).jwt;
}

/** Whether a signed list may be served again: younger than `ttl`, its key still published. */
async function servable(
  ctx: IssuerContext,
  signed: SignedList,
  now: number,
  ttl: number,
): Promise<boolean> {
  if (now - signed.iat >= ttl) return false;
  const { keys } = await ctx.keyring.jwks();
  for (const key of keys) if (key.kid === signed.kid) return true;
  return false;
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
