/**
 * The scale run's fast path: writes issued tokens' state at Redis speed through the store's own
 * methods, exactly the writes `issueToken` makes (subject slot, status index, record and its
 * indexes), many in flight on one connection, without signing a JWT (no one presents these
 * tokens) and without the rate-limit counters and audit events (both capped or expiring).
 * @module
 */
import { randomId } from "../src/random.js";
import { createRedisStore } from "../src/store/redis-store.js";
import type { Store, TokenRecord } from "../src/store/types.js";

const RETENTION = 7 * 86400;
const RATE = { limit: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
const LIFETIME = 30 * 86400;
const LIST_SIZE = 1 << 17;

/** A store handle for filling under the issuer's prefix. */
export async function openFillStore(
  redisUrl: string,
  prefix: string,
): Promise<{ store: Store; kid: string }> {
  const store = createRedisStore({ url: redisUrl, prefix, timeoutMs: 30_000 });
  await store.open(LIST_SIZE);
  const active = (await store.readKeyring()).keys.find((key) => key.state === "active");
  if (!active) throw new Error("the issuer has no active key yet");
  return { store, kid: active.kid };
}

/** Writes `count` tokens' state, `inFlight` at a time; subjects cycle over `subjects`. */
export async function fillTokens(
  target: { store: Store; kid: string },
  count: number,
  firstIndex: number,
  inFlight = 256,
  subjects = 50_000,
): Promise<void> {
  const { store, kid } = target;
  const now = Math.floor(Date.now() / 1000);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = firstIndex + next++;
      const id = randomId(16);
      const sub = `fill-${i % subjects}`;
      const exp = now + LIFETIME;
      if (
        (await store.reserveSubjectSlot({ id, sub, exp }, now, 100_000, RETENTION, RATE)) !==
        "reserved"
      ) {
        throw new Error("subject slot refused");
      }
      const status = await store.allocateStatus(exp + RETENTION);
      const org = `org${i % 10}`;
      const record: TokenRecord = {
        id,
        sub,
        name: "ci laptop",
        scope: ["read_api", "read_project"],
        org,
        cell: `cell-${(i % 10) % 3}`,
        aud: ["https://api.bench"],
        client_id: "bench",
        fam: id,
        kid,
        status,
        created: now,
        exp,
      };
      await store.saveToken(record, RETENTION);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
}
