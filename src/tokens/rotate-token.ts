/**
 * Rotation: a new token in the same family with the same name, scope, org and kind (and optionally a
 * new expiry); the old one is revoked at once. Exactly one of two concurrent rotations of a token
 * wins (a compare-and-set on the old token's state); the loser's new token is revoked before it
 * is ever handed out, and the loser gets a 409.
 *
 * Presenting a rotated-out token again is *reuse*: {@link detectReuse} revokes the whole family.
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { DEFAULT_TOKEN_KIND, selfServiceKinds } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { Conflict } from "../errors.js";
import type { StoredToken, TokenRecord } from "../store/types.js";
import { type IssuedToken, issueToken, type MintActor } from "./issue-token.js";
import type { MintRequest } from "./mint-request.js";
import type { ExpiryRequest } from "./policy.js";
import { checkTargetWithin, lifetimeOf } from "./token-power.js";
import { changeTokenState, revokeIndex } from "./token-state.js";

/** What may change in a rotation. */
export interface RotationChanges extends ExpiryRequest {
  readonly name?: string | undefined;
  /** A new description; null removes it. */
  readonly description?: string | null | undefined;
  readonly scope?: readonly string[] | undefined;
  /** New narrowings; null removes every narrowing; absent keeps those of the remaining scope. */
  readonly permissions?: Readonly<Record<string, readonly string[]>> | null | undefined;
  readonly audience?: readonly string[] | undefined;
  /** New allowed IPs; null removes the limit; absent keeps the old one. */
  readonly allowed_ips?: readonly string[] | null | undefined;
}

/** The narrowings a successor carries: the new ones, none, or the old ones still in scope. */
function successorPermissions(
  record: TokenRecord,
  changes: RotationChanges,
  scope: readonly string[],
): Record<string, string[]> | undefined {
  if (changes.permissions === null) return undefined;
  const chosen = changes.permissions ?? record.permissions;
  if (chosen === undefined) return undefined;
  const kept = Object.entries(chosen).filter(([permission]) => scope.includes(permission));
  return kept.length === 0
    ? undefined
    : Object.fromEntries(kept.map(([permission, ids]) => [permission, [...ids]]));
}

/** The mint request that reproduces a token, with `changes` applied. */
export function successorRequest(old: StoredToken, changes: RotationChanges): MintRequest {
  const { record } = old;
  const keepsLifetime = changes.expires_in === undefined && changes.expires_at === undefined;
  const lifetime = lifetimeOf(record);
  const scope = [...(changes.scope ?? record.scope)];
  const permissions = successorPermissions(record, changes, scope);
  const description =
    changes.description === undefined ? record.description : (changes.description ?? undefined);
  const allowedIps =
    changes.allowed_ips === undefined ? record.allowed_ips : (changes.allowed_ips ?? undefined);
  return {
    subject: record.sub,
    name: changes.name ?? record.name,
    ...(description === undefined ? {} : { description }),
    scope,
    ...(permissions === undefined ? {} : { permissions }),
    ...(record.org === undefined ? {} : { org: record.org }),
    ...(record.kind === undefined ? {} : { kind: record.kind }),
    audience: [...(changes.audience ?? record.aud)],
    ...(allowedIps === undefined ? {} : { allowed_ips: [...allowedIps] }),
    ...(keepsLifetime
      ? lifetime === null
        ? { expires_at: null }
        : { expires_in: lifetime }
      : changes.expires_in !== undefined
        ? { expires_in: changes.expires_in }
        : { expires_at: changes.expires_at ?? null }),
  };
}

/**
 * Rotates `old` (which must be active).
 *
 * @throws {Conflict} `token_not_active` when it is not active, `rotation_conflict` when a
 *   concurrent rotation won.
 */
export async function rotateToken(
  ctx: IssuerContext,
  old: StoredToken,
  actor: MintActor,
  changes: RotationChanges = {},
): Promise<IssuedToken> {
  if (actor.presented) {
    checkTargetWithin(actor.presented, old.record, "rotate", selfServiceKinds(ctx.config.kinds));
  }
  if (old.state !== "active") {
    throw new Conflict("token_not_active", `The token is ${old.state} and cannot be rotated`);
  }
  const issued = await issueToken(ctx, successorRequest(old, changes), actor, {
    replaces: old.record,
    reason: "rotation",
  });
  const won = await ctx.store.transitionTokenState(
    old.record.id,
    ["active"],
    "rotated",
    issued.stored.record.id,
  );
  if (!won) {
    await changeTokenState(ctx, issued.stored, "revoked", {
      actor: actor.audit,
      reason: "lost_rotation_race",
    });
    throw new Conflict("rotation_conflict", "The token was rotated or revoked concurrently");
  }
  await changeTokenState(ctx, old, "rotated", { actor: actor.audit, reason: "rotation" });
  return issued;
}

/**
 * Called when a rotated-out token is presented: revokes every token of its family and records
 * `token.reuse_detected`.
 */
export async function detectReuse(
  ctx: IssuerContext,
  stored: StoredToken,
  how: string,
): Promise<void> {
  await recordAudit(ctx, {
    type: "token.reuse_detected",
    actor: `token:${stored.record.id}`,
    jti: stored.record.id,
    sub: stored.record.sub,
    ...(stored.record.org === undefined ? {} : { org: stored.record.org }),
    reason: how,
    detail: { family: stored.record.fam, kind: stored.record.kind ?? DEFAULT_TOKEN_KIND },
  });
  await revokeIndex(
    ctx,
    { family: stored.record.fam },
    { actor: `token:${stored.record.id}`, reason: "reuse_detected" },
  );
}
