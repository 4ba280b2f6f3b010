/**
 * The Token Status List on Redis: each list is one string whose bytes are the served list, status
 * indexes come from the epoch's allocator, and setting a bit that takes power away (revoked,
 * suspended) waits for replicas (see redis-durability.ts).
 *
 * @example
 * ```ts
 * const status = createRedisStatusStore(shared);
 * await status.setStatus(await status.allocateStatus(null), TokenStatus.revoked);
 * ```
 * @module
 */
import { readStatus } from "@tokenmint/verifier/status";
import { TokenStatus, type TokenStatusValue } from "../records.js";
import {
  bitfieldSlot,
  LIST_FILL_BYTE,
  type ListKind,
  parseListId,
  refForSequence,
} from "../status-layout.js";
import type { StatusRef, StatusStore } from "../types.js";
import { createSequenceBlocks } from "./sequence-blocks.js";
import { deadlineArg, type RedisStoreContext } from "./store-context.js";

/** Status lists are remembered as prepared for this many lists at most (each is one entry). */
const PREPARED_LISTS_REMEMBERED = 64;
/** A list's TTL is extended in steps of this many seconds, so most mints need not extend it. */
const LIST_DEADLINE_STEP = 3600;

/**
 * The status role on Redis.
 *
 * @example
 * ```ts
 * const bytes = await createRedisStatusStore(shared).readStatusList(list);
 * ```
 */
export function createRedisStatusStore(shared: RedisStoreContext): StatusStore {
  const { redis, key, call, script, durableScript } = shared;
  /** Status lists this instance created or extended, and until when (seconds; ∞: no TTL). */
  const preparedLists = new Map<string, number>();
  /** Reserves `count` sequence numbers of `kind` in `epoch`; returns the last. */
  async function reserveSequences(epoch: string, kind: ListKind, count: number) {
    return Number(
      await call(() => script("tmNextSequence")(key.meta, epoch, SEQUENCE_FIELD[kind], count)),
    );
  }
  // Pending allocations are rare: only valid entries come from blocks reserved ahead.
  const blockSize = shared.statusBlock;
  const blocks =
    blockSize > 1
      ? createSequenceBlocks(blockSize, (epoch, count) => reserveSequences(epoch, "valid", count))
      : undefined;
  return {
    async allocateStatus(keepUntil, kind = "valid") {
      const { id, listSize } = shared.opened();
      const seq =
        kind === "valid" && blocks ? await blocks.next(id) : await reserveSequences(id, kind, 1);
      const ref = refForSequence(id, listSize, seq, kind);
      // A list this instance prepared to live long enough needs no second round trip: its TTL
      // only ever grows, and a lost store fails the epoch check above first.
      const deadline = listDeadline(keepUntil);
      const prepared = preparedLists.get(ref.list);
      if (prepared === undefined || prepared < deadline) {
        await call(() =>
          script("tmPrepareList")(
            key.list(ref.list),
            listSize / 4,
            deadlineArg(deadline === Number.POSITIVE_INFINITY ? null : deadline),
            LIST_FILL_BYTE[kind],
          ),
        );
        if (preparedLists.size >= PREPARED_LISTS_REMEMBERED) preparedLists.clear();
        preparedLists.set(ref.list, deadline);
      }
      return ref;
    },
    async setStatus(ref, status) {
      const args = [bitfieldSlot(ref.idx), String(status)];
      await call(() =>
        status === TokenStatus.valid
          ? script("tmSetStatus")(key.list(ref.list), ...args)
          : durableScript("tmSetStatus", [key.list(ref.list)], args),
      );
    },
    async getStatus(ref) {
      return call(() => readStatusEntry(shared, ref));
    },
    async readStatusList(list) {
      const { id, listSize } = shared.opened();
      const parsed = parseListId(list);
      if (!parsed || parsed.epoch !== id) return null;
      const [seq, raw] = await call(() =>
        Promise.all([
          script("tmCheckEpoch")(key.meta, id, SEQUENCE_FIELD[parsed.kind]),
          redis.getBuffer(key.list(list)),
        ]),
      );
      if (parsed.n >= Math.ceil(Number(seq) / listSize)) return null;
      // An allocated list whose tokens have all expired reads as it was created.
      const bytes = new Uint8Array(listSize / 4).fill(LIST_FILL_BYTE[parsed.kind]);
      if (raw) bytes.set(raw.subarray(0, bytes.length));
      return bytes;
    },
  };
}

/** The meta hash field counting each kind's allocations. */
const SEQUENCE_FIELD: Readonly<Record<ListKind, string>> = { valid: "seq", pending: "pseq" };

/** The deadline a status list is given for a token kept until `keepUntil` (null: forever). */
function listDeadline(keepUntil: number | null): number {
  return keepUntil === null
    ? Number.POSITIVE_INFINITY
    : Math.ceil(keepUntil / LIST_DEADLINE_STEP) * LIST_DEADLINE_STEP;
}

/**
 * `ref`'s status entry, read on its own. One byte holds it: one command answers both whether the
 * list exists (lists are created at full length) and the entry itself.
 */
export async function readStatusEntry(
  shared: Pick<RedisStoreContext, "redis" | "key">,
  ref: StatusRef,
): Promise<TokenStatusValue> {
  const offset = statusByteOffset(ref);
  const bytes = await shared.redis.getrangeBuffer(shared.key.list(ref.list), offset, offset);
  return statusOfByte(bytes.length === 1 ? bytes[0] : undefined, ref);
}

/** The offset of the byte that holds `ref`'s entry in its list. */
export function statusByteOffset(ref: StatusRef): number {
  return Math.floor(ref.idx / 4);
}

/** `ref`'s entry from the byte that holds it; no byte (the list is gone) reads as revoked. */
export function statusOfByte(byte: number | undefined, ref: StatusRef): TokenStatusValue {
  // A list that is gone cannot vouch for anyone: read it as revoked (fail closed).
  if (byte === undefined) return TokenStatus.revoked;
  return readStatus(Uint8Array.of(byte), 2, ref.idx % 4) as TokenStatusValue;
}
