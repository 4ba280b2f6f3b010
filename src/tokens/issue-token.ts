/**
 * Minting: checks the request against policy, allocates a status index, saves the record and
 * signs the JWT. The token exists only in the answer: the store keeps the record, never the token.
 * Nothing is handed out unless its record and status index were written.
 *
 * @example
 * ```ts
 * const { token, stored } = await issueToken(ctx, request, { clientId: "platform" });
 * ```
 * @module
 */
import { SignJWT } from "jose";
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { randomId } from "../random.js";
import type { StoredToken, TokenRecord } from "../store/types.js";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "../verifier/claims.js";
import type { MintRequest } from "./mint-request.js";
import { checkScope, resolveAudience, resolveExpiry } from "./policy.js";

/** Who asks for the token: a service client id, or the parent token's id for self-service. */
export interface MintActor {
  readonly clientId: string;
}

/** A freshly minted token: the secret (shown once) and its stored record. */
export interface IssuedToken {
  readonly token: string;
  readonly stored: StoredToken;
}

/** The URL of a status list. */
export function statusListUri(issuer: string, list: string): string {
  return `${issuer}/v1/status-lists/${list}`;
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
    fam: record.fam,
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
  request: MintRequest,
  actor: MintActor,
  family?: string,
): Promise<IssuedToken> {
  const { config, store, keyring } = ctx;
  const now = epochSeconds(ctx.clock);
  checkScope(request.scope, request.permissions, config.scopes);
  const exp = resolveExpiry(request, config.lifetime, now);
  const aud = resolveAudience(request.audience, config.audience);
  const cell =
    request.org === undefined ? undefined : (config.orgCells[request.org] ?? config.defaultCell);

  const signing = await keyring.signingKey();
  const keepUntil = exp === null ? null : exp + config.retentionSeconds;
  const status = await store.allocateStatus(keepUntil);
  const id = randomId(16);
  const record: TokenRecord = {
    id,
    sub: request.subject,
    name: request.name,
    ...(request.description === undefined ? {} : { description: request.description }),
    scope: request.scope,
    ...(request.permissions === undefined ? {} : { permissions: request.permissions }),
    ...(request.org === undefined ? {} : { org: request.org }),
    ...(cell === undefined ? {} : { cell }),
    aud,
    client_id: actor.clientId,
    fam: family ?? id,
    kid: signing.kid,
    status,
    created: now,
    exp,
  };
  await store.saveToken(record, config.retentionSeconds);

  const claims = claimsFor(record, config.issuer);
  const jwt = await new SignJWT({ ...claims, aud: [...record.aud] })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: ACCESS_TOKEN_TYPE })
    .sign(signing.privateKey);
  ctx.logger.info("token.minted", {
    jti: id,
    sub: record.sub,
    org: record.org,
    client_id: actor.clientId,
    kid: signing.kid,
  });
  return {
    token: `${config.tokenPrefix}${jwt}`,
    stored: { record, state: "active", lastUsedAt: null, lastUsedIps: [] },
  };
}
