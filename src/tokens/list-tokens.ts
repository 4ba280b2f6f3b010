/**
 * Listing tokens for the API: a subject's, or an organization's (e.g. the approval queue of
 * `?org=acme&state=pending`), optionally filtered by org and state, newest first.
 *
 * @example
 * ```ts
 * const queue = await listTokensBy(ctx, { org: "acme", state: "pending" });
 * ```
 * @module
 */
import type { IssuerContext } from "../context.js";
import { newestFirst } from "../store/token-indexes.js";
import type { StoredToken, TokenState } from "../store/types.js";

/** Every state a token can be listed by. */
export const LISTED_STATES: readonly TokenState[] = [
  "active",
  "pending",
  "suspended",
  "revoked",
  "rotated",
];

/** Which tokens to list: a subject's or an org's (at least one), optionally in one state. */
export interface TokenListQuery {
  readonly subject?: string | undefined;
  readonly org?: string | undefined;
  readonly state?: TokenState | undefined;
}

/** How many records one step reads at once. */
const READ_BATCH = 200;

async function orgTokens(ctx: IssuerContext, org: string): Promise<StoredToken[]> {
  const ids = await ctx.store.listTokenIds({ org });
  const found: StoredToken[] = [];
  for (let start = 0; start < ids.length; start += READ_BATCH) {
    const batch = ids.slice(start, start + READ_BATCH);
    const tokens = await ctx.store.getTokens(batch);
    for (const token of tokens) if (token !== null) found.push(token);
  }
  return found;
}

/**
 * The tokens a query names, newest first (records that expired past retention are gone); none
 * when it names neither a subject nor an org.
 *
 * @example
 * ```ts
 * await listTokensBy(ctx, { subject: "alice", state: "active" });
 * ```
 */
export async function listTokensBy(
  ctx: IssuerContext,
  query: TokenListQuery,
): Promise<StoredToken[]> {
  const tokens =
    query.subject !== undefined
      ? await ctx.store.listTokens(query.subject)
      : query.org !== undefined
        ? await orgTokens(ctx, query.org)
        : [];
  return tokens
    .filter(
      (token) =>
        (query.org === undefined || token.record.org === query.org) &&
        (query.state === undefined || token.state === query.state),
    )
    .sort(newestFirst);
}
