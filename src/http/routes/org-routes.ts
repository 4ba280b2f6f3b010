/**
 * The org → cell routing map: `GET /v1/routes` (public and cache-friendly: routers poll it with
 * `If-None-Match`) and `PUT /v1/routes/{org}` (admin service clients move an organization).
 * `TOKENMINT_ORG_CELLS` only seeds the map; newly minted tokens carry the new cell at once.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { z } from "zod";
import { recordAudit } from "../../audit/record-audit.js";
import type { IssuerContext } from "../../context.js";
import { Forbidden, InvalidRequest } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import { ADMIN, JSON_BODY, problems, STORE } from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import { IDENTIFIER } from "../../tokens/mint-request.js";
import { type AuthVariables, authenticate } from "../authenticate.js";
import { defineRoute, pathParam } from "../define-route.js";
import { readJson } from "../request-body.js";

/** The body of `PUT /v1/routes/{org}`. */
export const moveSchema = z.strictObject({ cell: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) });

/** How long routers may cache the map without asking again (seconds). */
export const ROUTES_MAX_AGE = 10;

const GET_ROUTES: Operation = {
  method: "get",
  path: "/v1/routes",
  operationId: "getRoutes",
  tag: "routing",
  summary: "The org → cell map routers cache (`ETag`, `If-None-Match`)",
  security: ["none"],
  responses: {
    200: {
      description: "The map",
      schema: Answers.RoutesMap,
      example: { version: 3, default_cell: "cell-eu-1", cells: { acme: "cell-us-2" } },
    },
    304: { description: "Not modified" },
    ...problems(STORE),
  },
};

const MOVE_ORG: Operation = {
  method: "put",
  path: "/v1/routes/{org}",
  operationId: "moveOrg",
  tag: "routing",
  summary: "Move an organization to another cell",
  security: ["admin"],
  body: {
    schema: named("OrgMoveRequest", moveSchema),
    contentType: "application/json",
    required: true,
    example: { cell: "cell-us-2" },
  },
  responses: {
    200: {
      description: "Moved",
      schema: Answers.OrgMoved,
      example: { org: "acme", cell: "cell-us-2", version: 4 },
    },
    ...problems(JSON_BODY, ADMIN, STORE),
  },
};

/** Builds the routing-map routes (mounted at `/`). */
export function orgRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();

  const anyOrigin = cors({ origin: "*", allowMethods: ["GET", "HEAD"] });
  defineRoute(routes, GET_ROUTES, [anyOrigin], async (c) => {
    const { version, cells } = await ctx.store.readOrgCells();
    const etag = `"routes-${version}"`;
    c.header("ETag", etag);
    c.header("Cache-Control", `public, max-age=${ROUTES_MAX_AGE}`);
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    return c.json({ version, default_cell: ctx.config.defaultCell ?? null, cells });
  });

  defineRoute(routes, MOVE_ORG, [authenticate(ctx, { clients: true })], async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client" || !caller.admin) {
      throw new Forbidden("admin_required", "Moving an organization needs an admin service client");
    }
    const org = pathParam(c, "org");
    if (!IDENTIFIER.test(org)) {
      throw new InvalidRequest("invalid_request", "Invalid organization", [
        { path: "org", message: "1 to 256 printable characters, no spaces or braces" },
      ]);
    }
    const { cell } = await readJson(c, moveSchema);
    // The audit event names the exact previous cell: read from the map, not a remembered copy.
    const { cells } = await ctx.store.readOrgCells();
    const previous = Object.hasOwn(cells, org) ? cells[org] : undefined;
    const version = await ctx.store.setOrgCell(org, cell);
    await recordAudit(ctx, {
      type: "org.moved",
      actor: `client:${caller.clientId}`,
      org,
      reason: "api",
      detail: { from: previous ?? null, to: cell, version },
    });
    return c.json({ org, cell, version });
  });

  return routes;
}
