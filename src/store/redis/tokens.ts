/**
 * Token records on Redis: one hash per token, its subject's index (which also enforces the live
 * token limit), and the family, org and expiry indexes. Changes that take power away (revoked,
 * suspended, rotated) wait for replicas (see redis-durability.ts).
 *
 * @example
 * ```ts
 * const tokens = createRedisTokenStore(shared);
 * if (await tokens.reserveSubjectSlot(record, now, 50, retention)) await tokens.saveToken(record, retention);
 * ```
 * @module
 */
import type { StoredToken, TokenRecord } from "../records.js";
import {
  expiryDay,
  expiryIndexDeadline,
  keepUntilOf,
  needsFamilyIndex,
  newestFirst,
} from "../token-indexes.js";
import type { MintOpening, SlotReservation, TokenStore } from "../types.js";
import { readStatusEntry, statusByteOffset, statusOfByte } from "./status-bits.js";
import { deadlineArg, type RedisStoreContext } from "./store-context.js";
import { decisionValue, IP_FIELDS, parseTokenJson, tokenHashFields } from "./token-hash.js";
import { createRedisTokenQueries } from "./token-queries.js";

/**
 * The tokens role on Redis.
 *
 * @example
 * ```ts
 * const stored = await createRedisTokenStore(shared).getToken(id);
 * ```
 */
export function createRedisTokenStore(shared: RedisStoreContext): Omit<TokenStore, "openMint"> {
  const { redis, key, call, script, durably, durableScript } = shared;

  /** A token's hash as `READ_TOKEN` answers it (its field/value pairs as JSON), parsed. */
  function tokenOf(id: string, json: string | null): StoredToken | null {
    return parseTokenJson(id, json, shared.opened());
  }

  async function readToken(id: string): Promise<StoredToken | null> {
    return tokenOf(id, (await script("tmReadToken")(key.token(id))) as string | null);
  }

  /** Several records: one script where the keys may be read together, else one read each. */
  async function readTokens(ids: readonly string[]): Promise<(StoredToken | null)[]> {
    if (ids.length <= 1 || shared.isCluster) return Promise.all(ids.map(readToken));
    const keys = ids.map((id) => key.token(id));
    const records = (await script("tmReadTokens")(keys.length, ...keys)) as string[];
    return ids.map((id, i) => tokenOf(id, records[i] ?? null));
  }

  return {
    ...createRedisTokenQueries(shared),
    async reserveSubjectSlot(record, now, maxLive, retentionSeconds, rate) {
      const { keys, args } = slotCall(shared, {
        slot: record,
        now,
        maxLive,
        retentionSeconds,
        subjectRate: rate,
      });
      return slotOutcome(await call(() => script("tmReserveSubjectSlot")(...keys, ...args)));
    },
    async releaseSubjectSlot(record) {
      await call(() => redis.zrem(key.subject(record.sub), record.id));
    },
    async saveToken(record, retentionSeconds, state = "active", audit) {
      const until = deadlineArg(keepUntilOf(record, retentionSeconds));
      // A pending token's state goes into the same HSET as its record: it never reads as active.
      const fields = [
        ...tokenHashFields(record, shared.opened()),
        ...(state === "active" ? [] : ["s", state]),
      ];
      // Org and expiry indexes list subjects, whose own index (written by reserveSubjectSlot)
      // lists the tokens: one entry per subject, not per token.
      const indexes: Index[] = [];
      if (needsFamilyIndex(record)) {
        indexes.push({
          key: key.family(record.fam),
          member: record.id,
          score: scoreArg(record),
          until,
        });
      }
      if (record.org !== undefined) {
        indexes.push({ key: key.orgSubjects(record.org), member: record.sub, until });
      }
      if (record.exp !== null) {
        indexes.push({
          key: key.expirySubjects(expiryDay(record.exp)),
          member: record.sub,
          until: String(expiryIndexDeadline(record.exp)),
          bucket: true,
        });
      }
      if (audit && !shared.isCluster) {
        // One script, the event last: no event names a record that was not written.
        await call(() =>
          script("tmSaveMinted")(
            2 + indexes.length + 1,
            key.token(record.id),
            ...indexes.map((index) => index.key),
            key.audit,
            key.auditTrimPause,
            until,
            fields.length,
            ...fields,
            indexes.length,
            ...indexes.flatMap((index) =>
              index.score === undefined
                ? [index.bucket ? "bucket" : "member", index.member, index.until]
                : ["token", index.member, index.score, index.until],
            ),
            JSON.stringify(audit.event),
            audit.maxLength,
          ),
        );
        return;
      }
      // The record and its indexes go out together; readers skip index entries without a record.
      await call(() =>
        Promise.all([
          script("tmSaveToken")(key.token(record.id), until, ...fields),
          ...indexes.map((index) =>
            index.score === undefined
              ? script("tmIndexMember")(
                  index.key,
                  index.member,
                  index.until,
                  ...(index.bucket ? ["bucket"] : []),
                )
              : script("tmIndexToken")(index.key, index.member, index.score, index.until),
          ),
        ]),
      );
      if (audit) {
        await call(() =>
          script("tmAppendAudit")(
            key.audit,
            key.auditTrimPause,
            JSON.stringify(audit.event),
            audit.maxLength,
          ),
        );
      }
    },
    async getToken(id) {
      return call(() => readToken(id));
    },
    async getTokens(ids) {
      return call(() => readTokens(ids));
    },
    async getTokenWithStatus(id, ref) {
      if (shared.isCluster) {
        const [stored, status] = await call(() =>
          Promise.all([readToken(id), readStatusEntry(shared, ref)]),
        );
        return { stored, status };
      }
      const [json, byte] = (await call(() =>
        script("tmReadTokenWithStatus")(key.token(id), key.list(ref.list), statusByteOffset(ref)),
      )) as [string, number];
      return { stored: tokenOf(id, json), status: statusOfByte(byte < 0 ? undefined : byte, ref) };
    },
    async listTokens(sub) {
      const ids = await call(() => redis.zrange(key.subject(sub), "0", "-1"));
      const tokens = await call(() => readTokens(ids));
      return tokens.filter((token) => token !== null).sort(newestFirst);
    },
    async setTokenState(record, state, at) {
      if (state === "active") {
        await call(() => script("tmSetTokenState")(key.token(record.id), state));
        return;
      }
      const subject = key.subject(record.sub);
      const ends = state === "revoked" || state === "rotated";
      // The record and the subject index live on different slots: both wait, side by side.
      await call(() =>
        Promise.all([
          durableScript("tmSetTokenState", [key.token(record.id)], [state]),
          ends
            ? durably(
                subject,
                () => redis.zadd(subject, "XX", "LT", at, record.id),
                (pipeline) => pipeline.zadd(subject, "XX", "LT", at, record.id),
              )
            : undefined,
        ]),
      );
    },
    async transitionTokenState(id, from, to, rotatedTo) {
      const args = [to, rotatedTo ?? "", ...from];
      const moved = await call(() =>
        to === "active"
          ? script("tmTransitionTokenState")(key.token(id), ...args)
          : durableScript("tmTransitionTokenState", [key.token(id)], args),
      );
      return moved === 1;
    },
    async decideApproval(id, decision) {
      const args = [
        decision.verdict === "approved" ? "active" : "revoked",
        decisionValue(decision),
      ];
      const decided = await call(() =>
        decision.verdict === "approved"
          ? script("tmDecideApproval")(key.token(id), ...args)
          : durableScript("tmDecideApproval", [key.token(id)], args),
      );
      return decided === 1;
    },
    async updateTokenDetails(id, details) {
      await call(() => script("tmUpdateTokenDetails")(key.token(id), JSON.stringify(details)));
    },
    async recordUsage(id, at, ip) {
      await call(() => script("tmRecordUsage")(key.token(id), at, ip ?? "", ...IP_FIELDS));
    },
  };
}

/** The keys and arguments of `RESERVE_SUBJECT_SLOT` for the slot `opening` asks for. */
export function slotCall(
  shared: RedisStoreContext,
  opening: Pick<MintOpening, "slot" | "now" | "maxLive" | "retentionSeconds" | "subjectRate">,
): { readonly keys: string[]; readonly args: (string | number)[] } {
  const { slot, now, retentionSeconds, subjectRate } = opening;
  const window = Math.floor(now / subjectRate.windowSeconds);
  return {
    keys: [shared.key.subject(slot.sub), shared.key.subjectMints(slot.sub, window)],
    args: [
      slot.id,
      scoreArg(slot),
      now,
      opening.maxLive,
      now - retentionSeconds,
      deadlineArg(keepUntilOf(slot, retentionSeconds)),
      subjectRate.limit,
      subjectRate.windowSeconds + 1,
    ],
  };
}

/** What `RESERVE_SUBJECT_SLOT` answered, as a {@link SlotReservation}. */
export function slotOutcome(outcome: unknown): SlotReservation {
  return outcome === 1 ? "reserved" : outcome === -1 ? "rate_limited" : "limit_reached";
}

/** The index score of a record as Redis takes it. */
function scoreArg(record: Pick<TokenRecord, "exp">): string {
  return record.exp === null ? "+inf" : String(record.exp);
}

/** One index a new token is added to: a zset of token ids (with `score`) or a set of subjects. */
interface Index {
  readonly key: string;
  readonly member: string;
  readonly score?: string;
  readonly until: string;
  /** A day bucket: `until` follows from the key, so it is set once, when the key is made. */
  readonly bucket?: true;
}
