/**
 * Organization approval: a token of an org whose policy says `require_approval` starts `pending`
 * (status bits suspended) and works only once a service client approves it; a denial revokes it.
 * Approval is a dimension of power: nothing but {@link decideApproval} makes a pending token
 * active (resume, rotation and update refuse a pending token; a successor is pending unless it is
 * no wider than the approved token it replaces).
 *
 * @example
 * ```ts
 * await decideApproval(ctx, stored, "approved", { actor: "client:platform", reason: "ok" });
 * ```
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import type { Config } from "../config/config.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { Conflict, Forbidden } from "../errors.js";
import type { ApprovalDecision, StoredToken, TokenRecord } from "../store/types.js";
import { tracksUsage } from "./policy.js";
import { type TokenPower, widerPart } from "./token-power.js";
import { changeTokenState } from "./token-state.js";
import { noteTokenActivity } from "./token-use.js";

/** What decides whether a new token waits for approval. */
export interface ApprovalQuestion {
  readonly org: string | undefined;
  /** The request's `approved` member (service clients only). */
  readonly approved: boolean | undefined;
  /** The token a bearer caller presented, if any. */
  readonly presented: TokenRecord | undefined;
  /** Rotation: the active token the new one replaces. */
  readonly replaces: TokenPower | undefined;
  /** The new token's power. */
  readonly candidate: TokenPower;
}

/**
 * Whether a new token starts pending: its org requires approval, and neither a service client
 * said `approved: true` nor does it replace (rotation) an approved token it is no wider than.
 *
 * @throws {Forbidden} `client_required` when a bearer caller sends `approved`.
 * @example
 * ```ts
 * startsPending(config, { org: "acme", approved: undefined, presented, replaces: undefined, candidate });
 * ```
 */
export function startsPending(config: Config, question: ApprovalQuestion): boolean {
  if (question.presented && question.approved !== undefined) {
    throw new Forbidden("client_required", "Only service clients may mint a token approved");
  }
  if (question.org === undefined || !config.approvalOrgs.has(question.org)) return false;
  if (question.approved === true) return false;
  // A successor keeps the approval of the token it replaces only within that token's power.
  if (question.replaces) return widerPart(question.replaces, question.candidate, "") !== undefined;
  return true;
}

/** Who decides and why (audit, and shown with the token). */
export interface ApprovalChange {
  readonly actor: string;
  readonly reason?: string | undefined;
}

const REASON_FOR_VERDICT = { approved: "approved", denied: "denied" } as const;

/**
 * Approves (the token becomes active) or denies (it is revoked) a pending token. The state moves
 * first by compare-and-set, so of concurrent decisions exactly one wins; then the status bits.
 * An approval is activity for unused-token cleanup, which counts from it.
 *
 * @throws {Conflict} `token_not_pending` when the token is not pending, or is to be approved after
 *   it expired (nothing changes then).
 * @example
 * ```ts
 * const decided = await decideApproval(ctx, stored, "denied", { actor: "client:platform", reason: "not needed" });
 * ```
 */
export async function decideApproval(
  ctx: IssuerContext,
  stored: StoredToken,
  verdict: ApprovalDecision["verdict"],
  change: ApprovalChange,
): Promise<StoredToken> {
  const { record } = stored;
  const decision: ApprovalDecision = {
    verdict,
    at: epochSeconds(ctx.clock),
    by: change.actor,
    ...(change.reason === undefined ? {} : { reason: change.reason }),
  };
  if (verdict === "approved" && record.exp !== null && record.exp <= decision.at) {
    throw new Conflict("token_not_pending", "The token expired before it was approved");
  }
  if (stored.state !== "pending" || !(await ctx.store.decideApproval(record.id, decision))) {
    throw new Conflict("token_not_pending", `The token is ${stored.state}, not pending`);
  }
  const state = verdict === "approved" ? "active" : "revoked";
  await changeTokenState(ctx, stored, state, {
    actor: change.actor,
    reason: REASON_FOR_VERDICT[verdict],
    quiet: true,
  });
  await recordAudit(ctx, {
    type: verdict === "approved" ? "token.approved" : "token.denied",
    actor: change.actor,
    jti: record.id,
    sub: record.sub,
    ...(record.org === undefined ? {} : { org: record.org }),
    reason: change.reason ?? "api",
    detail: { previous: "pending", kind: record.kind ?? DEFAULT_TOKEN_KIND },
  });
  // Unused-token cleanup counts from the approval: the owner could not use it before.
  if (verdict === "approved" && tracksUsage(ctx.config, record.kind)) {
    await noteTokenActivity(ctx, record.id, decision.at);
  }
  return { ...stored, state, decision };
}
