/**
 * The token lifecycle under `/v1/tokens`: update in place (or rotate, when scope, permissions or
 * audience change), rotate, suspend, resume, approve or deny a pending token, and mass revocation.
 * @module
 */
import { Hono } from "hono";
import { recordAudit } from "../../audit/record-audit.js";
import { DEFAULT_TOKEN_KIND } from "../../config/token-kinds.js";
import type { IssuerContext } from "../../context.js";
import { Conflict, Forbidden } from "../../errors.js";
import { named, type Operation } from "../../openapi/operation.js";
import {
  BEARER_OR_CLIENT,
  DURABLE_WRITE,
  ISSUING,
  JSON_BODY,
  MANAGED_TOKEN,
  problems,
} from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import type { StoredToken, TokenState } from "../../store/types.js";
import { decideApproval } from "../../tokens/approval.js";
import {
  approvalRequestSchema,
  massRevocationSchema,
  rotateRequestSchema,
  updateRequestSchema,
} from "../../tokens/lifecycle-requests.js";
import { rotateToken } from "../../tokens/rotate-token.js";
import { changeTokenState, type ReachableState, revokeIndex } from "../../tokens/token-state.js";
import { tokenView } from "../../tokens/token-view.js";
import { type AuthVariables, type Caller, requireManagement } from "../authenticate.js";
import { defineRoute, pathParam } from "../define-route.js";
import { readJson } from "../request-body.js";
import {
  actorOf,
  findManagedToken,
  ISSUED_EXAMPLE,
  issuedBody,
  mintActorOf,
  requireWithinCaller,
  TOKEN_VIEW_EXAMPLE,
} from "./token-access.js";

/** Reads an optional JSON body: an empty body counts as `{}`. */
async function optionalBody<T>(
  c: Parameters<typeof readJson>[0],
  read: () => Promise<T>,
): Promise<T | Record<string, never>> {
  const length = c.req.header("content-length");
  if ((length === undefined || length === "0") && !c.req.header("content-type")) return {};
  return read();
}

async function rotateAnswer(
  ctx: IssuerContext,
  caller: Caller,
  old: StoredToken,
  changes: Parameters<typeof rotateToken>[3],
) {
  const issued = await rotateToken(ctx, old, mintActorOf(caller), changes);
  return { rotated_from: old.record.id, ...issuedBody(issued) };
}

async function move(
  ctx: IssuerContext,
  caller: Caller,
  stored: StoredToken,
  from: TokenState,
  to: ReachableState,
) {
  if (!(await ctx.store.transitionTokenState(stored.record.id, [from], to))) {
    throw new Conflict("invalid_state", `The token is ${stored.state}, not ${from}`);
  }
  await changeTokenState(ctx, stored, to, { actor: actorOf(caller), reason: "api" });
}

const ROTATED_EXAMPLE = { rotated_from: "Qm9hdGVkLXRva2VuLWlkMQ", ...ISSUED_EXAMPLE };
const ROTATE_BODY = {
  schema: named("RotateRequest", rotateRequestSchema),
  contentType: "application/json",
  required: false,
  example: { expires_in: 2592000 },
} as const;
const ROTATION_CONFLICTS = { 409: ["rotation_conflict", "token_not_active"] } as const;

const REVOKE_ALL: Operation = {
  method: "post",
  path: "/v1/tokens/revoke-all",
  operationId: "revokeAll",
  tag: "tokens",
  summary: "Mass revocation by subject, org or family",
  description: "Exactly one of `subject`, `org` or `family`.",
  security: ["client"],
  body: {
    schema: named("MassRevocationRequest", massRevocationSchema),
    contentType: "application/json",
    required: true,
    example: { org: "acme", reason: "offboarding" },
  },
  responses: {
    200: {
      description: "How many were revoked",
      schema: Answers.MassRevoked,
      example: { revoked: 3 },
    },
    ...problems(JSON_BODY, BEARER_OR_CLIENT, { 403: ["client_required"] }, DURABLE_WRITE),
  },
};

const ROTATE_SELF: Operation = {
  method: "post",
  path: "/v1/tokens/self/rotate",
  operationId: "rotateSelf",
  tag: "tokens",
  summary: "Rotate the presented token",
  security: ["user"],
  body: ROTATE_BODY,
  responses: {
    201: {
      description: "The new token (shown once)",
      schema: Answers.RotatedToken,
      example: ROTATED_EXAMPLE,
    },
    ...problems(
      JSON_BODY,
      ISSUING,
      BEARER_OR_CLIENT,
      { 403: ["token_required", "wider_than_caller"] },
      ROTATION_CONFLICTS,
      DURABLE_WRITE,
    ),
  },
};

const UPDATE_TOKEN: Operation = {
  method: "patch",
  path: "/v1/tokens/{id}",
  operationId: "updateToken",
  tag: "tokens",
  summary: "Rename or describe a token; other changes rotate it",
  description:
    "`name` and `description` change in place (200). `scope`, `permissions`, `audience`, `allowed_ips`, `expires_in` or `expires_at` cannot change a signed token: it rotates (201, the new token shown once). At least one field; at most one of `expires_in` and `expires_at`.",
  security: ["client", "user"],
  body: {
    schema: named("UpdateRequest", updateRequestSchema),
    contentType: "application/json",
    required: true,
    example: { name: "ci deploy (eu)", description: null },
  },
  responses: {
    200: {
      description: "Updated in place",
      schema: Answers.UpdatedToken,
      example: { rotated: false, ...TOKEN_VIEW_EXAMPLE, name: "ci deploy (eu)", description: null },
    },
    201: {
      description: "Rotated",
      schema: Answers.UpdatedToken,
      example: { rotated: true, ...ROTATED_EXAMPLE },
    },
    ...problems(
      JSON_BODY,
      ISSUING,
      MANAGED_TOKEN,
      { 403: ["wider_than_caller"] },
      ROTATION_CONFLICTS,
      DURABLE_WRITE,
    ),
  },
};

const ROTATE_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens/{id}/rotate",
  operationId: "rotateToken",
  tag: "tokens",
  summary: "Rotate a token: a new one in the same family; the old one dies",
  security: ["client", "user"],
  body: ROTATE_BODY,
  responses: {
    201: {
      description: "The new token (shown once)",
      schema: Answers.RotatedToken,
      example: ROTATED_EXAMPLE,
    },
    ...problems(
      JSON_BODY,
      ISSUING,
      MANAGED_TOKEN,
      { 403: ["wider_than_caller"] },
      ROTATION_CONFLICTS,
      DURABLE_WRITE,
    ),
  },
};

const SUSPEND_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens/{id}/suspend",
  operationId: "suspendToken",
  tag: "tokens",
  summary: "Suspend a token (status 2)",
  security: ["client", "user"],
  responses: {
    200: {
      description: "Suspended",
      schema: Answers.Token,
      example: { ...TOKEN_VIEW_EXAMPLE, state: "suspended" },
    },
    ...problems(MANAGED_TOKEN, { 409: ["invalid_state"] }, DURABLE_WRITE),
  },
};

const RESUME_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens/{id}/resume",
  operationId: "resumeToken",
  tag: "tokens",
  summary: "Resume a suspended token",
  security: ["client", "user"],
  responses: {
    200: { description: "Active again", schema: Answers.Token, example: TOKEN_VIEW_EXAMPLE },
    ...problems(MANAGED_TOKEN, { 403: ["wider_than_caller"], 409: ["invalid_state"] }),
  },
};

const PENDING_EXAMPLE = {
  ...TOKEN_VIEW_EXAMPLE,
  state: "pending",
  approval: { status: "pending", decided_at: null, decided_by: null, reason: null },
};
const APPROVAL_BODY = {
  schema: named("ApprovalRequest", approvalRequestSchema),
  contentType: "application/json",
  required: false,
  example: { reason: "ticket OPS-42" },
} as const;
const DECISION_PROBLEMS = problems(
  JSON_BODY,
  MANAGED_TOKEN,
  { 403: ["client_required"], 409: ["token_not_pending"] },
  DURABLE_WRITE,
);

const APPROVE_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens/{id}/approve",
  operationId: "approveToken",
  tag: "tokens",
  summary: "Approve a pending token of an org that requires approval: it becomes active",
  description:
    "Service clients only. Only a `pending` token can be approved (409 `token_not_pending` otherwise: resume, rotation and update never approve). The optional `reason` is audited (`token.approved`) and shown with the token.",
  security: ["client"],
  body: APPROVAL_BODY,
  responses: {
    200: {
      description: "Approved: active from now on",
      schema: Answers.Token,
      example: {
        ...TOKEN_VIEW_EXAMPLE,
        approval: {
          status: "approved",
          decided_at: "2026-11-23T12:05:00.000Z",
          decided_by: "client:platform",
          reason: "ticket OPS-42",
        },
      },
    },
    ...DECISION_PROBLEMS,
  },
};

const DENY_TOKEN: Operation = {
  method: "post",
  path: "/v1/tokens/{id}/deny",
  operationId: "denyToken",
  tag: "tokens",
  summary: "Deny a pending token: it is revoked",
  description:
    "Service clients only. Only a `pending` token can be denied (409 `token_not_pending` otherwise). The optional `reason` is audited (`token.denied`) and shown with the token.",
  security: ["client"],
  body: { ...APPROVAL_BODY, example: { reason: "use the shared deploy token" } },
  responses: {
    200: {
      description: "Denied and revoked",
      schema: Answers.Token,
      example: {
        ...PENDING_EXAMPLE,
        state: "revoked",
        approval: {
          status: "denied",
          decided_at: "2026-11-23T12:05:00.000Z",
          decided_by: "client:platform",
          reason: "use the shared deploy token",
        },
      },
    },
    ...DECISION_PROBLEMS,
  },
};

/**
 * Builds the lifecycle routes; mounted by {@link tokenRoutes} behind its authentication (so a
 * request is authenticated once).
 */
export function tokenLifecycleRoutes(ctx: IssuerContext) {
  const routes = new Hono<{ Variables: AuthVariables }>();

  defineRoute(routes, REVOKE_ALL, async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "client") {
      throw new Forbidden("client_required", "Mass revocation is for service clients");
    }
    const body = await readJson(c, massRevocationSchema);
    const index =
      body.subject !== undefined
        ? { subject: body.subject }
        : body.org !== undefined
          ? { org: body.org }
          : { family: body.family as string };
    const revoked = await revokeIndex(ctx, index, {
      actor: actorOf(caller),
      reason: body.reason ?? "mass_revocation",
    });
    return c.json({ revoked });
  });

  defineRoute(routes, ROTATE_SELF, async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user")
      throw new Forbidden("token_required", "Present the token to rotate");
    const changes = await optionalBody(c, () => readJson(c, rotateRequestSchema));
    c.header("Cache-Control", "no-store");
    return c.json(await rotateAnswer(ctx, caller, caller.stored, changes), 201);
  });

  defineRoute(routes, ROTATE_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const old = await findManagedToken(ctx, caller, pathParam(c, "id"));
    const changes = await optionalBody(c, () => readJson(c, rotateRequestSchema));
    c.header("Cache-Control", "no-store");
    return c.json(await rotateAnswer(ctx, caller, old, changes), 201);
  });

  defineRoute(routes, UPDATE_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, pathParam(c, "id"));
    const body = await readJson(c, updateRequestSchema);
    const { name, description, ...changes } = body;
    const rotates = Object.values(changes).some((value) => value !== undefined);
    if (rotates) {
      // One rotation carrying the new name and description; rotateToken applies the rule for
      // power and checks everything before any write.
      c.header("Cache-Control", "no-store");
      const rotation = await rotateAnswer(ctx, caller, stored, body);
      return c.json({ rotated: true, ...rotation }, 201);
    }
    requireWithinCaller(ctx, caller, stored, "update");
    // An ended token is history: its name stays what it was when it ended.
    if (stored.state === "revoked" || stored.state === "rotated") {
      throw new Conflict(
        "token_not_active",
        `The token is ${stored.state}; only a live token is renamed`,
      );
    }
    await ctx.store.updateTokenDetails(stored.record.id, {
      ...(name === undefined ? {} : { name }),
      ...(description === undefined ? {} : { description }),
    });
    await recordAudit(ctx, {
      type: "token.updated",
      actor: actorOf(caller),
      jti: stored.record.id,
      sub: stored.record.sub,
      ...(stored.record.org === undefined ? {} : { org: stored.record.org }),
      reason: "api",
      detail: { kind: stored.record.kind ?? DEFAULT_TOKEN_KIND },
    });
    const updated = (await ctx.store.getToken(stored.record.id)) ?? stored;
    return c.json({ rotated: false, ...tokenView(updated) });
  });

  defineRoute(routes, SUSPEND_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, pathParam(c, "id"));
    await move(ctx, caller, stored, "active", "suspended");
    return c.json(tokenView({ ...stored, state: "suspended" }));
  });

  defineRoute(routes, RESUME_TOKEN, async (c) => {
    const caller = c.get("caller");
    requireManagement(caller);
    const stored = await findManagedToken(ctx, caller, pathParam(c, "id"));
    requireWithinCaller(ctx, caller, stored, "resume");
    await move(ctx, caller, stored, "suspended", "active");
    return c.json(tokenView({ ...stored, state: "active" }));
  });

  for (const [operation, verdict] of [
    [APPROVE_TOKEN, "approved"],
    [DENY_TOKEN, "denied"],
  ] as const) {
    defineRoute(routes, operation, async (c) => {
      const caller = c.get("caller");
      if (caller.kind !== "client") {
        throw new Forbidden("client_required", "Approving and denying are for service clients");
      }
      const stored = await findManagedToken(ctx, caller, pathParam(c, "id"));
      const body = await optionalBody(c, () => readJson(c, approvalRequestSchema));
      const decided = await decideApproval(ctx, stored, verdict, {
        actor: actorOf(caller),
        reason: body.reason,
      });
      return c.json(tokenView(decided));
    });
  }

  return routes;
}
