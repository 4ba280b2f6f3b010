/**
 * Minting: checks the request against policy (its kind's and its org's), allocates a status index, saves the record and
 * signs the JWT. The token exists only in the answer: the store keeps the record, never the token.
 * Nothing is handed out unless its record and status index were written.
 *
 * @example
 * ```ts
 * const { token, stored } = await issueToken(ctx, request, { clientId: "platform" });
 * ```
 * @module
 */
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "@tokenmint/verifier";
import { type AuditInput, loggedAuditEvent } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { DEFAULT_TOKEN_KIND, selfServiceKinds, type TokenKind } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { Conflict, Forbidden } from "../errors.js";
import type { SigningKey } from "../keys/keyring.js";
import { signJwt } from "../keys/sign-jwt.js";
import { noteMinted, noteStateChange } from "../metrics/issuer-metrics.js";
import { randomId } from "../random.js";
import { noteStatusChange } from "../status/sign-status-list.js";
import { statusListUri } from "../status/status-list-uri.js";
import {
  type MintOpened,
  type StatusRef,
  type StoredToken,
  type TokenRecord,
  TokenStatus,
} from "../store/types.js";
import { startsPending } from "./approval.js";
import type { MintRequest } from "./mint-request.js";
import { checkScope, kindFor, lifetimeFor, resolveAudience, resolveExpiry } from "./policy.js";
import { clientMintCounter, mintRateExceeded, subjectMintRate } from "./rate-limit.js";
import { inheritFromParent } from "./self-service.js";
import { checkChildOfParent, checkSuccessor } from "./token-power.js";
import { checkTokenSize } from "./token-size.js";
import { noteTokenActivity } from "./token-use.js";

/** Who asks for the token. */
export interface MintActor {
  /** The `client_id` claim: a service client id, or the parent token's id for self-service. */
  readonly clientId: string;
  /** The service client whose rate limit applies. */
  readonly rateLimitClient: string;
  /** The audit actor, e.g. `client:platform` or `token:<jti>`. */
  readonly audit: string;
  /**
   * The token a bearer caller presented: nothing it mints or re-issues may be wider than this
   * (see `token-power.ts`). Absent for service clients, which act within policy.
   */
  readonly presented?: TokenRecord;
}

/** Options of one mint. */
export interface MintOptions {
  /** The audit reason (default `mint`). */
  readonly reason?: string;
  /**
   * Rotation: the live token the new one replaces. The new token joins its family and may be
   * minted even at the per-subject limit.
   */
  readonly replaces?: TokenRecord;
}

/** Who minted a token, how, and into which state: what its `token.minted` event says. */
export interface MintedEventFacts {
  /** The actor's audit name (`client:ci`, `user:alice`). */
  readonly actor: string;
  readonly state: "active" | "pending";
  /** The token kind's name. */
  readonly kind: string;
  /** The audit reason (default `mint`). */
  readonly reason?: string | undefined;
}

/**
 * The `token.minted` audit event of `record` (its time is added when it is logged).
 *
 * @example
 * ```ts
 * const event = loggedAuditEvent(ctx, mintedEvent(record, { actor: "client:ci", state: "active", kind: "pat" }));
 * ```
 */
export function mintedEvent(record: TokenRecord, facts: MintedEventFacts): AuditInput {
  return {
    type: "token.minted",
    actor: facts.actor,
    jti: record.id,
    sub: record.sub,
    ...(record.org === undefined ? {} : { org: record.org }),
    reason: facts.reason ?? "mint",
    detail: { family: record.fam, kid: record.kid, state: facts.state, kind: facts.kind },
  };
}

/** A freshly minted token: the secret (shown once) and its stored record. */
export interface IssuedToken {
  readonly token: string;
  readonly stored: StoredToken;
}

/** The signed claims for a record. */
export function claimsFor(record: TokenRecord, issuer: string): AccessTokenClaims {
  return {
    iss: issuer,
    sub: record.sub,
    aud: record.aud,
    client_id: record.client_id,
    iat: record.created,
    nbf: record.created,
    ...(record.exp === null ? {} : { exp: record.exp }),
    jti: record.id,
    scope: record.scope.join(" "),
    ...(record.permissions ? { permissions: record.permissions } : {}),
    ...(record.org === undefined ? {} : { org: record.org }),
    ...(record.cell === undefined ? {} : { cell: record.cell }),
    ...(record.allowed_ips === undefined ? {} : { allowed_ips: [...record.allowed_ips] }),
    fam: record.fam,
    kind: record.kind ?? DEFAULT_TOKEN_KIND,
    status: {
      status_list: { idx: record.status.idx, uri: statusListUri(issuer, record.status.list) },
    },
  };
}

/**
 * Mints a token.
 *
 * @throws {InvalidRequest} when the request breaks policy (nothing is written then).
 * @throws {StoreUnavailable} when the store cannot be written (no token is returned then).
 */
export async function issueToken(
  ctx: IssuerContext,
  requested: MintRequest,
  actor: MintActor,
  options: MintOptions = {},
): Promise<IssuedToken> {
  const { config, store, keyring } = ctx;
  const now = epochSeconds(ctx.clock);
  const { presented } = actor;
  const { replaces } = options;
  // Every check comes before the first write, so a refused request changes nothing.
  const request =
    presented && !replaces ? inheritFromParent(requested, presented, config, now) : requested;
  const kind = kindFor(config, request.kind, request.org);
  if (presented && !replaces && !kind.selfService) {
    throw new Forbidden(
      "kind_not_self_service",
      `Tokens of kind ${kind.name} are minted by a service client only`,
    );
  }
  checkScope(request.scope, request.permissions, config.scopes, kind);
  const exp = resolveExpiry(request, lifetimeFor(config, request.org, kind), now);
  const aud = resolveAudience(request.audience, config.audience);
  const id = randomId(16);
  // The record without what the writes below decide (signing key, status entry, cell).
  const draft: TokenRecord = {
    id,
    sub: request.subject,
    name: request.name,
    ...(request.description === undefined ? {} : { description: request.description }),
    scope: request.scope,
    ...(request.permissions === undefined ? {} : { permissions: request.permissions }),
    ...(request.org === undefined ? {} : { org: request.org }),
    aud,
    ...(request.allowed_ips === undefined ? {} : { allowed_ips: request.allowed_ips }),
    client_id: actor.clientId,
    fam: replaces?.fam ?? id,
    kid: "",
    status: { list: "", idx: 0 },
    created: now,
    exp,
    kind: kind.name,
  };
  const selfService = selfServiceKinds(config.kinds);
  if (presented && replaces) checkSuccessor(presented, replaces, draft, selfService);
  else if (presented) checkChildOfParent(presented, draft, selfService);
  const state = startsPending(config, {
    org: request.org,
    approved: requested.approved,
    presented,
    replaces,
    candidate: draft,
  })
    ? "pending"
    : "active";
  checkTokenSize(
    claimsFor(draft, config.issuer),
    {
      alg: config.algorithm,
      typ: ACCESS_TOKEN_TYPE,
      maxIdx: config.statusList.size - 1,
      statusUri: (list) => statusListUri(config.issuer, list),
    },
    config.maxTokenLength,
  );
  // One round trip decides whether the mint goes ahead: the client's rate, the subject's rate and
  // slot (one atomic step that reserves nothing when it refuses), the signing gate, the org's cell.
  const slot = { id, sub: request.subject, exp };
  // Sent once the keyring names the key to try (at once, from its cached view): the gate records
  // `exp` as the key's latest (a retired key stays published until then).
  let opened: Promise<MintOpened> | undefined;
  const gate = (kid: string) => {
    opened = store.openMint({
      slot,
      now,
      maxLive: config.maxTokensPerSubject + (replaces ? 1 : 0),
      retentionSeconds: config.retentionSeconds,
      subjectRate: subjectMintRate(config),
      clientCounter: clientMintCounter(actor.rateLimitClient),
      key: { kid, exp },
    });
    return opened.then((answer) => answer.keyNoted);
  };
  try {
    const [orgCell, signing] = await Promise.all([
      request.org === undefined ? undefined : store.getOrgCell(request.org),
      keyring.signingKey({ exp, gate }),
    ]);
    // The keyring asked the gate before it could answer, so the first round trip was sent.
    const { clientHits, slot: reserved } = await (opened as Promise<MintOpened>);
    if (clientHits > config.mintRate.perClient || reserved === "rate_limited") {
      throw mintRateExceeded(now);
    }
    if (reserved === "limit_reached") {
      throw new Conflict(
        "token_limit_reached",
        `The subject already has ${config.maxTokensPerSubject} live tokens; revoke some first`,
      );
    }
    const cell = request.org === undefined ? undefined : (orgCell ?? config.defaultCell);
    const keepUntil = exp === null ? null : exp + config.retentionSeconds;
    // A pending token's entry comes from a list whose entries start suspended: even a copy of
    // the list taken before this mint refuses it.
    const status = await store.allocateStatus(keepUntil, state === "pending" ? "pending" : "valid");
    return await signAndSave(ctx, { draft, cell, signing, status, state, kind, actor, options });
  } catch (error) {
    // A token that was not saved gives its place back (best effort: the error says what failed).
    if ((await opened?.catch(() => undefined))?.slot === "reserved") {
      await store.releaseSubjectSlot(slot).catch(() => undefined);
    }
    throw error;
  }
}

/** What {@link signAndSave} completes: the draft and what the first round trip decided. */
interface ReservedMint {
  readonly draft: TokenRecord;
  readonly cell: string | undefined;
  readonly signing: SigningKey;
  readonly status: StatusRef;
  readonly state: "active" | "pending";
  readonly kind: TokenKind;
  readonly actor: MintActor;
  readonly options: MintOptions;
}

/** Signs the token while its record is saved, then records the audit event. */
async function signAndSave(ctx: IssuerContext, mint: ReservedMint): Promise<IssuedToken> {
  const { config, store } = ctx;
  const { draft, cell, signing, status, state, kind, actor, options } = mint;
  const id = draft.id;
  const record: TokenRecord = {
    ...draft,
    ...(cell === undefined ? {} : { cell }),
    kid: signing.kid,
    status,
  };
  const claims = claimsFor(record, config.issuer);
  // A pending token's entry is suspended from its allocation; it is written again as a durable
  // write before its record exists, and the record is written pending in one step.
  if (state === "pending") {
    await store.setStatus(status, TokenStatus.suspended);
    noteStatusChange(ctx, status.list);
  }
  const event = loggedAuditEvent(
    ctx,
    mintedEvent(record, { actor: actor.audit, state, kind: kind.name, reason: options.reason }),
  );
  // The record and its event are saved while the token is signed; nothing is returned unless
  // all of it succeeds.
  const [jwt] = await Promise.all([
    signJwt(signing, ACCESS_TOKEN_TYPE, { ...claims, aud: [...record.aud] }),
    store.saveToken(record, config.retentionSeconds, state, {
      event,
      maxLength: config.auditMaxEvents,
    }),
    // A token never used counts as unused from its creation; a kind whose use is not recorded
    // (`track_usage: false`) cannot tell unused from used, so unused-token cleanup leaves it alone.
    kind.trackUsage ? noteTokenActivity(ctx, id, record.created) : undefined,
  ]);
  noteMinted(ctx, options.reason ?? "mint", kind.name);
  if (state === "pending") noteStateChange(ctx, "pending", options.reason ?? "mint");
  return {
    token: `${kind.prefix}${jwt}`,
    stored: { record, state, lastUsedAt: null, lastUsedIps: [], rotatedTo: null },
  };
}
