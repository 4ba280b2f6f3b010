/**
 * Finding tokens on Redis by index: a subject's or family's tokens directly, an org's and an
 * expiry window's through the subjects those indexes list (one entry per subject, not per token),
 * plus the first layout's token-per-entry indexes while they last.
 *
 * @example
 * ```ts
 * const ids = await createRedisTokenQueries(shared).listTokenIds({ org: "acme" });
 * ```
 * @module
 */
import { expiryDays, familyMembers } from "../token-indexes.js";
import type { TokenStore } from "../types.js";
import { firstLayoutReader } from "./first-layout.js";
import type { RedisStoreContext } from "./store-context.js";
import { ORG_FIELDS, orgOfHash } from "./token-hash.js";

/**
 * The index reads of the tokens role on Redis.
 *
 * @example
 * ```ts
 * const expiring = await createRedisTokenQueries(shared).listExpiringIds(now, now + 86400);
 * ```
 */
export function createRedisTokenQueries(
  shared: RedisStoreContext,
): Pick<TokenStore, "listTokenIds" | "listExpiringIds"> {
  const { redis, key, call } = shared;
  const firstLayout = firstLayoutReader(redis, shared.prefix);

  /**
   * The ids of an org's tokens: its subjects' tokens whose record names the org (the org index
   * lists subjects, not tokens), plus the org's index of the first layout while it lasts.
   */
  async function orgTokenIds(org: string): Promise<string[]> {
    const [subjects, legacy] = await call(() =>
      Promise.all([redis.smembers(key.orgSubjects(org)), firstLayout.orgIndex(org)]),
    );
    const candidates = [...new Set([...(await subjectTokenIds(subjects)), ...legacy])];
    const orgs = await call(() =>
      Promise.all(candidates.map((id) => redis.hmget(key.token(id), ...ORG_FIELDS))),
    );
    return candidates.filter((_, i) => {
      const [stored, legacyJson] = orgs[i] ?? [null, null];
      return orgOfHash(stored ?? null, legacyJson ?? null) === org;
    });
  }

  /** Every token id in the indexes of `subjects`, optionally only those scored in `(from, to]`. */
  async function subjectTokenIds(
    subjects: readonly string[],
    range?: { from: number; to: number },
  ): Promise<string[]> {
    const perSubject = await call(() =>
      Promise.all(
        subjects.map((sub) =>
          range
            ? redis.zrangebyscore(key.subject(sub), `(${range.from}`, String(range.to))
            : redis.zrange(key.subject(sub), "0", "-1"),
        ),
      ),
    );
    return perSubject.flat();
  }

  return {
    async listTokenIds(index) {
      if ("org" in index) return orgTokenIds(index.org);
      if ("family" in index) {
        const ids = await call(() => redis.zrange(key.family(index.family), "0", "-1"));
        return familyMembers(index.family, ids);
      }
      return call(() => redis.zrange(key.subject(index.subject), "0", "-1"));
    },
    async listExpiringIds(from, to) {
      const days = expiryDays(from, to);
      const [subjects, legacy] = await call(() =>
        Promise.all([
          Promise.all(days.map((day) => redis.smembers(key.expirySubjects(day)))),
          Promise.all(days.map((day) => firstLayout.expiryIndex(day, from, to))),
        ]),
      );
      // A subject's index scores a live token by its exp (an ended one by when it ended, which
      // lies before `from`): the subjects' entries in the window are the tokens expiring in it.
      const fromSubjects = await subjectTokenIds([...new Set(subjects.flat())], { from, to });
      return [...new Set([...fromSubjects, ...legacy.flat()])];
    },
  };
}
