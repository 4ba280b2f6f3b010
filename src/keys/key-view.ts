/**
 * The public description of the keyring for `GET /v1/keys`: states, times, which KEK encrypts each
 * private key (its id, never the key), and when the keyring will next change. Never any private
 * material.
 *
 * @example
 * ```ts
 * const body = await describeKeyring(ctx);
 * ```
 * @module
 */
import { decodeProtectedHeader } from "jose";
import type { KeyState, StoredKey } from "../store/types.js";
import type { KeysContext } from "./keys-context.js";
import { retiredKeyRemovalTime, scheduledRotationTime } from "./rotation.js";

/** One key as listed. */
export interface KeyView {
  readonly kid: string;
  readonly alg: string;
  readonly state: KeyState;
  /** In the JWKS now (next, active, retired). */
  readonly published: boolean;
  readonly created_at: string;
  readonly activated_at: string | null;
  readonly retired_at: string | null;
  readonly revoked_at: string | null;
  /** The latest `exp` of the tokens it signed; null when it signed none (or none with expiry). */
  readonly latest_exp: string | null;
  /** It signed a token without expiry: as a retired key it stays published for good. */
  readonly signed_non_expiring: boolean;
  /** For a retired key: when it leaves the JWKS (null: never, see `signed_non_expiring`). */
  readonly unpublish_at: string | null;
  /** The id of the KEK its private key is encrypted under (null once revoked). */
  readonly kek: string | null;
}

/** The listing. */
export interface KeyringView {
  readonly keys: readonly KeyView[];
  readonly rotation: {
    readonly period_seconds: number;
    readonly prepublication_seconds: number;
    /** When the scheduled rotation promotes the next key (null: scheduled rotation is off). */
    readonly next_rotation_at: string | null;
  };
}

const ORDER: Record<KeyState, number> = { next: 0, active: 1, retired: 2, revoked: 3 };

function iso(seconds: number | undefined | null): string | null {
  return seconds === undefined || seconds === null ? null : new Date(seconds * 1000).toISOString();
}

function kekOf(jwe: string | undefined): string | null {
  if (jwe === undefined) return null;
  const { kid } = decodeProtectedHeader(jwe);
  return typeof kid === "string" ? kid : null;
}

/** Reads the keyring from the store (not the cached view) and describes it. */
export async function describeKeyring(ctx: KeysContext): Promise<KeyringView> {
  const { keys } = await ctx.store.readKeyring();
  const sorted = [...keys].sort(
    (a, b) => ORDER[a.state] - ORDER[b.state] || b.createdAt - a.createdAt,
  );
  const active = sorted.find((key) => key.state === "active");
  const next = [...sorted].reverse().find((key) => key.state === "next");
  return {
    keys: sorted.map((key) => describeKey(ctx, key)),
    rotation: {
      period_seconds: ctx.config.keyRotation.periodSeconds,
      prepublication_seconds: ctx.config.keyRotation.prepublicationSeconds,
      next_rotation_at: iso(scheduledRotationTime(active, next, ctx.config)),
    },
  };
}

function describeKey(ctx: KeysContext, key: StoredKey): KeyView {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    published: key.state !== "revoked",
    created_at: iso(key.createdAt) as string,
    activated_at: iso(key.activatedAt),
    retired_at: iso(key.retiredAt),
    revoked_at: iso(key.revokedAt),
    latest_exp: iso(key.latestExp),
    signed_non_expiring: key.latestExp === null,
    unpublish_at: key.state === "retired" ? iso(retiredKeyRemovalTime(key, ctx.config)) : null,
    kek: kekOf(key.privateJwe),
  };
}
