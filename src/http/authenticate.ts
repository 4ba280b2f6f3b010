/**
 * Who is calling: a service client (HTTP Basic with a configured id and secret, compared in
 * constant time) or a user presenting a token (`Authorization: Bearer`). The answer is put on the
 * context as `caller`; handlers then ask for the kind of caller they accept.
 * @module
 */
import { TokenVerificationFailed } from "@tokenmint/verifier";
import type { Context, MiddlewareHandler } from "hono";
import { constantTimeEqual } from "../constant-time.js";
import type { IssuerContext } from "../context.js";
import { Forbidden, Unauthenticated } from "../errors.js";
import { type InspectedToken, inspectToken } from "../tokens/inspect-token.js";

/** A platform backend authenticated with its client credentials. */
export interface ClientCaller {
  readonly kind: "client";
  readonly clientId: string;
  readonly admin: boolean;
}

/** A user authenticated with one of their tokens. */
export interface UserCaller extends InspectedToken {
  readonly kind: "user";
  /** The presented token (kept in memory for the request only; never logged). */
  readonly token: string;
}

/** Either kind of caller. */
export type Caller = ClientCaller | UserCaller;

/** Hono variables set by the authentication middleware. */
export interface AuthVariables {
  caller: Caller;
}

/** The scope a user's token needs to manage that user's tokens. */
export const MANAGE_TOKENS = "manage_tokens";

const NO_SUCH_SECRET = "tokenmint-no-such-client-secret-placeholder";

/**
 * Checks HTTP Basic client credentials.
 *
 * @throws {Unauthenticated} when absent, undecodable (bad base64, no colon, bad `%` escape) or
 * wrong.
 */
export async function authenticateClient(
  ctx: IssuerContext,
  header: string | undefined,
): Promise<ClientCaller> {
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header ?? "");
  if (!match) throw new Unauthenticated("Client credentials required", "Basic");
  let decoded: string;
  try {
    decoded = atob(match[1] as string);
  } catch {
    throw new Unauthenticated("Malformed client credentials", "Basic");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw new Unauthenticated("Malformed client credentials", "Basic");
  let id: string;
  try {
    // RFC 6749 section 2.3.1 form-encodes the id; a bad escape (`%zz`) is the client's error.
    id = decodeURIComponent(decoded.slice(0, colon));
  } catch {
    throw new Unauthenticated("Malformed client credentials", "Basic");
  }
  const secret = decoded.slice(colon + 1);
  const client = ctx.config.clients.find((candidate) => candidate.id === id);
  // Compare even for unknown ids, so timing does not tell which ids exist.
  const matches = constantTimeEqual(client?.secret ?? NO_SUCH_SECRET, secret);
  if (!client || !matches) {
    throw new Unauthenticated("Invalid client credentials", "Basic");
  }
  return {
    kind: "client",
    clientId: client.id,
    admin: ctx.config.adminClients.includes(client.id),
  };
}

/**
 * Authenticates a bearer token exactly (signature, claims, record, status).
 *
 * @throws {Unauthenticated} for any token that is not live; {@link StoreUnavailable} passes on.
 */
export async function authenticateUser(ctx: IssuerContext, c: Context): Promise<UserCaller> {
  const match = /^Bearer ([^\s]{1,16384})$/i.exec(c.req.header("authorization") ?? "");
  if (!match) throw new Unauthenticated("A bearer token is required");
  const token = match[1] as string;
  try {
    const inspected = await inspectToken(ctx, token, { ip: ctx.clientIp?.(c), fromClient: true });
    return { kind: "user", token, ...inspected };
  } catch (error) {
    if (error instanceof TokenVerificationFailed && error.status === 401) {
      throw new Unauthenticated(error.message);
    }
    throw error;
  }
}

/**
 * Middleware: authenticates the caller by the `Authorization` scheme and sets `caller`.
 * `accept` limits which kinds are allowed.
 */
export function authenticate(
  ctx: IssuerContext,
  accept: { readonly clients?: boolean; readonly users?: boolean } = { clients: true, users: true },
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async function authenticateCaller(c, next) {
    const header = c.req.header("authorization") ?? "";
    const scheme = header.split(" ")[0]?.toLowerCase();
    if (scheme === "basic" && accept.clients) {
      c.set("caller", await authenticateClient(ctx, header));
    } else if (scheme === "bearer" && accept.users) {
      c.set("caller", await authenticateUser(ctx, c));
    } else {
      throw new Unauthenticated(
        accept.users
          ? "A bearer token or client credentials are required"
          : "Client credentials required",
        accept.users ? "Bearer" : "Basic",
      );
    }
    await next();
  };
}

/**
 * Requires a user caller whose token carries `manage_tokens`, or a service client.
 *
 * @throws {Forbidden} `insufficient_scope`.
 */
export function requireManagement(caller: Caller): void {
  if (caller.kind === "user" && !caller.claims.scope.split(" ").includes(MANAGE_TOKENS)) {
    throw new Forbidden("insufficient_scope", `The token needs the ${MANAGE_TOKENS} scope`);
  }
}
