/**
 * The public JSON shape of a token record, as the API shows it: never the token itself.
 * @module
 */
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { StoredToken } from "../store/types.js";

/** Seconds since the epoch as RFC 3339. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Where a token stands with its organization's approval; null when it never needed one. */
export interface ApprovalView {
  status: "pending" | "approved" | "denied";
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
}

/** The approval part of the view: pending, or the decision recorded. */
function approvalView(stored: StoredToken): ApprovalView | null {
  if (stored.state === "pending") {
    return { status: "pending", decided_at: null, decided_by: null, reason: null };
  }
  const { decision } = stored;
  if (!decision) return null;
  return {
    status: decision.verdict,
    decided_at: isoTime(decision.at),
    decided_by: decision.by,
    reason: decision.reason ?? null,
  };
}

/** The API view of a stored token. */
export interface TokenView {
  id: string;
  name: string;
  description: string | null;
  subject: string;
  scope: string[];
  permissions: Record<string, readonly string[]> | null;
  org: string | null;
  cell: string | null;
  audience: string[];
  allowed_ips: string[] | null;
  client_id: string;
  family: string;
  kind: string;
  state: StoredToken["state"];
  approval: ApprovalView | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ips: string[];
}

/**
 * Renders a stored token for the API.
 *
 * @example
 * ```ts
 * return c.json(tokenView(stored));
 * ```
 */
export function tokenView(stored: StoredToken): TokenView {
  const { record } = stored;
  return {
    id: record.id,
    name: record.name,
    description: record.description ?? null,
    subject: record.sub,
    scope: [...record.scope],
    permissions: record.permissions ? { ...record.permissions } : null,
    org: record.org ?? null,
    cell: record.cell ?? null,
    audience: [...record.aud],
    allowed_ips: record.allowed_ips ? [...record.allowed_ips] : null,
    client_id: record.client_id,
    family: record.fam,
    kind: record.kind ?? DEFAULT_TOKEN_KIND,
    state: stored.state,
    approval: approvalView(stored),
    created_at: isoTime(record.created),
    expires_at: record.exp === null ? null : isoTime(record.exp),
    last_used_at: stored.lastUsedAt === null ? null : isoTime(stored.lastUsedAt),
    last_used_ips: [...stored.lastUsedIps],
  };
}
