/**
 * The claims of a tokenmint access token (RFC 9068 `at+jwt` plus tokenmint's own), as the issuer
 * signs them and the verifier returns them.
 * @module
 */

/** The `status` claim: where the token's entry in a Token Status List is. */
export interface StatusClaim {
  readonly status_list: { readonly idx: number; readonly uri: string };
}

/** A verified tokenmint access token's claims. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly client_id: string;
  readonly iat: number;
  readonly nbf?: number;
  /** Absent only for tokens whose policy allows them never to expire. */
  readonly exp?: number;
  readonly jti: string;
  /** Space-delimited permissions (RFC 9068). */
  readonly scope: string;
  /** Optional narrowing: permission → resource ids it applies to. */
  readonly permissions?: Readonly<Record<string, readonly string[]>>;
  /** The organization the token is confined to; absent for a cluster-wide token. */
  readonly org?: string;
  /** The cell that owns `org` (a routing hint, signed). */
  readonly cell?: string;
  /**
   * The networks the token may be used from (normalized CIDRs, IPv4 and IPv6); absent: any.
   * Checked by the issuer, the `requireToken` middleware and the cell router.
   */
  readonly allowed_ips?: readonly string[];
  /** Token family: the `jti` of the first token of a rotation chain. */
  readonly fam: string;
  /** The token's kind (`pat`, `deploy`, …); absent on tokens minted before kinds, which are `pat`. */
  readonly kind?: string;
  readonly status: StatusClaim;
}

/** The JWT `typ` of a tokenmint access token (RFC 9068). */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** The JWT `typ` of a Token Status List token. */
export const STATUS_LIST_TOKEN_TYPE = "statuslist+jwt";
