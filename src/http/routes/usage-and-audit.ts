/**
 * `POST /v1/usage` (downstream services report batched token use) and `GET /v1/audit` (the
 * audit stream, filtered and paginated). Both are for service clients.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { epochSeconds } from "../../clock.js";
import type { IssuerContext } from "../../context.js";
import { Forbidden } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import { AUTHENTICATED, JSON_BODY, problems, STORE } from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import type { AuditEntry } from "../../store/types.js";
import { usageReportSchema } from "../../tokens/lifecycle-requests.js";
import { IDENTIFIER } from "../../tokens/mint-request.js";
import { tracksUsage } from "../../tokens/policy.js";
import { recordTokenUse } from "../../tokens/token-use.js";
import { isoTime } from "../../tokens/token-view.js";
import { type AuthVariables, authenticate } from "../authenticate.js";
import { defineRoute } from "../define-route.js";
import { parseWith, readJson } from "../request-body.js";

/** The query of `GET /v1/audit`. */
export const auditQuerySchema = z.strictObject({
  subject: z.string().regex(IDENTIFIER).optional(),
  org: z.string().regex(IDENTIFIER).optional(),
  type: z
    .string()
    .regex(/^[a-z_.]{1,64}$/)
    .optional(),
  cursor: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** How many stream entries one audit query reads at most while filtering. */
const AUDIT_SCAN_LIMIT = 10000;
const AUDIT_SCAN_BATCH = 500;

function matches(entry: AuditEntry, query: z.infer<typeof auditQuerySchema>): boolean {
  return (
    (query.subject === undefined || entry.sub === query.subject) &&
    (query.org === undefined || entry.org === query.org) &&
    (query.type === undefined || entry.type === query.type)
  );
}

const REPORT_USAGE: Operation = {
  method: "post",
  path: "/v1/usage",
  operationId: "reportUsage",
  tag: "operations",
  summary: "Downstream services report batched token use",
  security: ["client"],
  body: {
    schema: named("UsageReport", usageReportSchema),
    contentType: "application/json",
    required: true,
    example: {
      events: [{ jti: "VY0lq2mC8n1Jx7d3sQ4t5w", at: "2026-11-23T12:05:00Z", ip: "203.0.113.7" }],
    },
  },
  responses: {
    200: { description: "Accepted", schema: Answers.UsageAccepted, example: { accepted: 1 } },
    ...problems(JSON_BODY, AUTHENTICATED, STORE),
  },
};

const READ_AUDIT: Operation = {
  method: "get",
  path: "/v1/audit",
  operationId: "readAudit",
  tag: "operations",
  summary: "The audit stream, filtered and paginated (newest first)",
  security: ["client"],
  query: named("AuditQuery", auditQuerySchema),
  responses: {
    200: {
      description: "One page",
      schema: Answers.AuditPage,
      example: {
        events: [
          {
            id: "1795435200000-0",
            type: "token.minted",
            actor: "client:platform",
            time: "2026-11-23T12:00:00.000Z",
            jti: "VY0lq2mC8n1Jx7d3sQ4t5w",
            sub: "alice",
          },
        ],
        next_cursor: null,
      },
    },
    ...problems({ 400: ["invalid_request"] }, AUTHENTICATED, { 403: ["client_required"] }, STORE),
  },
};

/**
 * The reported tokens whose kind does not record use (`track_usage: false`). Records are read
 * only when some kind is configured so.
 */
async function untrackedTokens(ctx: IssuerContext, ids: readonly string[]): Promise<Set<string>> {
  const untracked = new Set<string>();
  if ([...ctx.config.kinds.values()].every((kind) => kind.trackUsage)) return untracked;
  const stored = await Promise.all([...new Set(ids)].map((id) => ctx.store.getToken(id)));
  for (const token of stored) {
    if (token && !tracksUsage(ctx.config, token.record.kind)) untracked.add(token.record.id);
  }
  return untracked;
}

/** Builds the usage and audit routes (mounted at `/`). */
export function usageAndAuditRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();
  const clientsOnly = authenticate(ctx, { clients: true });

  defineRoute(routes, REPORT_USAGE, [clientsOnly], async (c) => {
    const { events } = await readJson(c, usageReportSchema);
    const now = epochSeconds(ctx.clock);
    const untracked = await untrackedTokens(
      ctx,
      events.map((event) => event.jti),
    );
    // Reports from the future are clamped to now; each token keeps its latest use.
    await Promise.all(
      events.map((event) => {
        if (untracked.has(event.jti)) return undefined;
        const at =
          typeof event.at === "number" ? event.at : Math.floor(Date.parse(event.at) / 1000);
        return recordTokenUse(ctx, event.jti, Math.min(at, now), event.ip);
      }),
    );
    return c.json({ accepted: events.length });
  });

  defineRoute(routes, READ_AUDIT, [clientsOnly], async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") throw new Forbidden("client_required", "For service clients");
    const query = parseWith(auditQuerySchema, c.req.query());
    const found: AuditEntry[] = [];
    let before = query.cursor;
    let scanned = 0;
    let reachedEnd = false;
    while (found.length < query.limit && scanned < AUDIT_SCAN_LIMIT) {
      const batch = await ctx.store.readAudit({
        ...(before === undefined ? {} : { before }),
        count: AUDIT_SCAN_BATCH,
      });
      for (const entry of batch) {
        before = entry.id;
        scanned += 1;
        if (matches(entry, query)) found.push(entry);
        if (found.length === query.limit) break;
      }
      if (batch.length < AUDIT_SCAN_BATCH && found.length < query.limit) {
        reachedEnd = true;
        break;
      }
    }
    c.header("Cache-Control", "no-store");
    return c.json({
      events: found.map((entry) => ({ ...entry, time: isoTime(entry.at) })),
      next_cursor: reachedEnd ? null : (before ?? null),
    });
  });

  return routes;
}
