/**
 * The floor of the issuer's measured requests (issue 20): the issuer's own stack (Node,
 * @hono/node-server, Hono, ioredis with auto-pipelining, the issuer's token record codec and Redis
 * scripts, node:crypto ES256) doing only the work no implementation of the request can skip:
 *
 * - `POST /v1/introspect`: the form read, the token's record and status byte in one script
 *   (`READ_TOKEN_WITH_STATUS`), the record decoded, a JSON answer. The token is looked up in a
 *   map, as a verified token is found in the issuer's cache.
 * - `GET /v1/tokens?subject=`: the subject's five records in one script (`READ_TOKENS`), decoded,
 *   a JSON answer.
 * - `POST /v1/tokens`: the body validated (zod), one script counting the mint and reserving the
 *   subject's slot, one ES256 signature, one script writing the record (`SAVE_TOKEN`), a JSON
 *   answer.
 *
 * No authentication, policy, audit, logging, metrics or security headers: what the issuer spends
 * above this per request is its own. Run as a child process (`PORT`, `REDIS_URL`) by
 * `bench/issuer-http.ts`.
 * @module
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { z } from "zod";
import type { StoreEpoch, TokenRecord } from "../src/store/records.js";
import { parseTokenJson, tokenHashFields } from "../src/store/redis/token-hash.js";
import { READ_TOKEN_WITH_STATUS, READ_TOKENS } from "../src/store/redis/token-scripts.js";
import {
  type BenchRecordContext,
  benchRecord,
  defineScript,
  floorMint,
  floorTokenKey as tokenKey,
} from "./floor-scripts.js";
import { BENCH_SUBJECTS, FLOOR_TOKENS } from "./issuer-process.js";

const ISSUER = "http://floor.local";
const epoch: StoreEpoch = { id: "floorepoch", listSize: 1 << 20 };

const redis = new Redis(process.env.REDIS_URL as string, { enableAutoPipelining: true });
const readOne = defineScript(redis, "floorReadOne", READ_TOKEN_WITH_STATUS, 2);
const readMany = defineScript(redis, "floorReadMany", READ_TOKENS);
const mint = floorMint(redis);

const RECORDS: BenchRecordContext = {
  kid: "bJswJpebPq9klxuzG7Qxaq7j9zzvFjfVTDHR6yx8Kc8",
  epochId: epoch.id,
  created: 1_796_000_000,
  exp: 1_798_592_000,
};
const recordFor = (i: number, id: string, sub: string) => benchRecord(i, id, sub, RECORDS);

const statusKey = "floor:sl";
const bySubject = new Map<string, string[]>();
for (let i = 0; i < FLOOR_TOKENS; i++) {
  const id = `floor-${i}`;
  const sub = `user-${i % BENCH_SUBJECTS}`;
  await redis.hset(tokenKey(id), ...tokenHashFields(recordFor(i, id, sub), epoch));
  bySubject.set(sub, [...(bySubject.get(sub) ?? []), id]);
}
await redis.set(statusKey, Buffer.alloc(1024));

const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const MintBody = z.strictObject({
  subject: z.string().min(1).max(255),
  name: z.string().min(1).max(100),
  scope: z.array(z.string().min(1)).min(1).max(50),
  org: z.string().min(1).max(64).optional(),
});
const base64url = (text: string) => Buffer.from(text).toString("base64url");

/** Decodes a read script's reply, as the issuer's store does. */
const decode = (id: string, raw: string) => parseTokenJson(id, raw, epoch);

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.post("/v1/introspect", async (c) => {
  const id = new URLSearchParams(await c.req.text()).get("token") ?? "";
  const [raw, byte] = (await readOne(tokenKey(id), statusKey, 0)) as [string, number];
  const stored = decode(id, raw);
  if (!stored || byte !== 0) return c.json({ active: false });
  const { record } = stored;
  return c.json({
    active: true,
    iss: ISSUER,
    sub: record.sub,
    aud: record.aud,
    scope: record.scope.join(" "),
    client_id: record.client_id,
    jti: record.id,
    iat: record.created,
    exp: record.exp,
    org: record.org,
    cell: record.cell,
    token_type: "Bearer",
  });
});
app.get("/v1/tokens", async (c) => {
  const ids = bySubject.get(c.req.query("subject") ?? "") ?? [];
  const raws = (await readMany(ids.length, ...ids.map(tokenKey))) as string[];
  const tokens = raws.map((raw, i) => {
    const stored = decode(ids[i] as string, raw);
    const record = stored?.record as TokenRecord;
    return {
      id: record.id,
      name: record.name,
      subject: record.sub,
      scope: record.scope,
      org: record.org ?? null,
      audience: record.aud,
      state: stored?.state,
      created_at: new Date(record.created * 1000).toISOString(),
      expires_at: record.exp === null ? null : new Date(record.exp * 1000).toISOString(),
      last_used_at: null,
      family: record.fam,
      kind: record.kind,
    };
  });
  return c.json({ tokens });
});
app.post("/v1/tokens", async (c) => {
  const parsed = MintBody.safeParse(await c.req.json());
  if (!parsed.success) return c.json({ error: "invalid" }, 400);
  const body = parsed.data;
  const id = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  await mint.reserve(body.subject, now, id);
  const record = { ...recordFor(0, id, body.subject), name: body.name, scope: body.scope };
  const claims = {
    iss: ISSUER,
    sub: record.sub,
    aud: record.aud,
    scope: record.scope.join(" "),
    client_id: record.client_id,
    jti: id,
    iat: now,
    exp: record.exp,
    org: body.org,
    cell: record.cell,
    status: { status_list: { idx: 0, uri: `${ISSUER}/v1/status/${record.status.list}` } },
  };
  const input = `${base64url(JSON.stringify({ alg: "ES256", kid: record.kid, typ: "at+jwt" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: privateKey,
    dsaEncoding: "ieee-p1363",
  }).toString("base64url");
  await mint.save(record, RECORDS.exp, epoch);
  return c.json(
    {
      id,
      token: `tm_${input}.${signature}`,
      name: record.name,
      subject: record.sub,
      scope: record.scope,
      expires_at: new Date((record.exp as number) * 1000).toISOString(),
    },
    201,
  );
});

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`floor listening on ${info.port}\n`);
});
