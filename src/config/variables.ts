/**
 * What each configuration variable means, beside the zod schema that parses it: the manual's
 * configuration page is generated from this and the schema (`npm run docs:config`), and a test
 * checks that every literal default here is the schema's own default.
 * @module
 */
import { DEFAULT_SCOPES, type IssuerVariable } from "./config.js";

/** One variable's documentation. */
export interface VariableDoc {
  /** The default, spelled as a user would set it (checked against the schema's default). */
  readonly default?: string;
  /** What applies when the variable is not set and there is no literal default. */
  readonly none?: string;
  /** What it does, in a line. */
  readonly meaning: string;
  /** Holds a secret: set it through a secret store. */
  readonly secret?: boolean;
}

/** Every issuer variable, in the order of the schema. */
export const ISSUER_VARIABLES: Readonly<Record<IssuerVariable, VariableDoc>> = {
  PORT: { default: "8080", meaning: "port to listen on (Node)" },
  HOST: {
    default: "127.0.0.1",
    meaning: "address to listen on (Node); `0.0.0.0` to accept remote connections",
  },
  TOKENMINT_ISSUER: {
    none: "`http://localhost:$PORT`",
    meaning: "the issuer URL: `iss` of every token, base of every published URL",
  },
  REDIS_URL: {
    none: "embedded store",
    meaning: "`redis://` or `rediss://` URL of the state store",
  },
  REDIS_PREFIX: {
    default: "tm:",
    meaning: "prefix of every Redis key (several deployments can share a Redis)",
  },
  REDIS_TIMEOUT_MS: {
    default: "2000",
    meaning: "upper bound of one Redis command and of connecting; past it the request answers 503",
  },
  REDIS_CLUSTER_NODES: {
    meaning: "Redis Cluster instead of `REDIS_URL`: comma-separated `host:port` seed nodes",
  },
  REDIS_SENTINELS: {
    meaning: "Redis Sentinel instead of `REDIS_URL`: comma-separated `host:port` sentinels",
  },
  REDIS_SENTINEL_NAME: { meaning: "with `REDIS_SENTINELS`: the name of the monitored primary" },
  REDIS_USERNAME: { meaning: "Cluster and Sentinel: the nodes' ACL user" },
  REDIS_PASSWORD: {
    meaning:
      "Cluster and Sentinel: the nodes' password (with `REDIS_URL`, put credentials in the URL)",
    secret: true,
  },
  REDIS_WAIT_REPLICAS: {
    default: "auto",
    meaning:
      "`auto`: one replica when the primary has a connected replica, none on a lone primary. A number N: always N (a primary with fewer answers 503 to every revocation). `0`: never wait",
  },
  REDIS_WAIT_TIMEOUT_MS: {
    none: "`1000`, or half of a shorter `REDIS_TIMEOUT_MS`",
    meaning: "how long a revocation waits for them; below `REDIS_TIMEOUT_MS`",
  },
  TOKENMINT_CLIENTS: {
    none: "generated in embedded mode",
    meaning:
      "service clients, comma-separated `id:secret` pairs (secrets \u2265 16 characters). **Required with `REDIS_URL`.**",
    secret: true,
  },
  TOKENMINT_ADMIN_CLIENTS: {
    meaning: "client ids allowed to administer keys and move organizations",
  },
  TOKENMINT_TOKEN_PREFIX: {
    default: "tmpat_",
    meaning:
      "prefix of `pat` tokens, the default kind (letters, digits, `_`; may be empty for bare JWTs when `pat` is the only kind)",
  },
  TOKENMINT_TOKEN_KINDS: {
    none: "one kind, `pat`, with `TOKENMINT_TOKEN_PREFIX`",
    meaning:
      'the kinds of token, JSON: `{"pat":{"prefix":"tmpat_"},"deploy":{"prefix":"tmdt_","scopes":["read_repository"],"max_lifetime":"90d"},"job":{"prefix":"tmjob_","max_lifetime":"2h","self_service":false,"track_usage":false}}`; per kind `prefix` (distinct, none a prefix of another), `scopes` (default all), `default_lifetime`, `min_lifetime`, `max_lifetime`, `allow_non_expiring`, `self_service` (default true), `track_usage` (default true); must define `pat`. See [Token kinds](token-kinds.md)',
  },
  TOKENMINT_ALG: {
    default: "ES256",
    meaning: "algorithm of newly generated signing keys: `ES256`, `EdDSA`, `RS256`, `PS256`",
  },
  TOKENMINT_KEK: {
    none: "dev KEK in `keys/` in embedded mode",
    meaning:
      "key-encryption keys, comma-separated, newest first (32 random bytes, base64url each). **Required with `REDIS_URL`.**",
    secret: true,
  },
  TOKENMINT_AUDIENCE: {
    none: "the issuer URL",
    meaning: "default `aud` of every token (space- or comma-separated); a token may name a subset",
  },
  TOKENMINT_SCOPES: {
    default: DEFAULT_SCOPES,
    meaning: "the known scopes; must include `manage_tokens`",
  },
  TOKENMINT_SCOPE_DESCRIPTIONS: {
    default: "{}",
    meaning:
      'what each scope allows, in plain words, shown on the page: JSON `{"read_api":"Read the API"}`; adds to (and overrides) the built-in descriptions of the default scopes',
  },
  TOKENMINT_DEFAULT_LIFETIME: { default: "30d", meaning: "lifetime when a request names none" },
  TOKENMINT_MIN_LIFETIME: { default: "5m", meaning: "shortest lifetime (at least 60 s)" },
  TOKENMINT_MAX_LIFETIME: { default: "365d", meaning: "longest lifetime" },
  TOKENMINT_ALLOW_NON_EXPIRING: {
    default: "false",
    meaning:
      'allow `"expires_at": null` (then the status list is the token\'s only revocation path)',
  },
  TOKENMINT_RETENTION: {
    default: "7d",
    meaning: "how long records and index entries outlive their token's expiry",
  },
  TOKENMINT_ORG_CELLS: {
    meaning:
      "seeds the org \u2192 cell map, comma-separated `org=cell` (never overwrites a move made through the API)",
  },
  TOKENMINT_DEFAULT_CELL: { meaning: "cell of organizations the map does not name" },
  TOKENMINT_STATUS_LIST_SIZE: {
    default: "131072",
    meaning: "entries per status list (multiple of 4); fixed once the store's epoch exists",
  },
  TOKENMINT_STATUS_LIST_TTL: {
    default: "60",
    meaning: "`ttl` of served status lists: how long verifiers may cache one",
  },
  TOKENMINT_MAX_BODY_BYTES: { default: "16384", meaning: "largest request body (413 beyond)" },
  TOKENMINT_MAX_TOKEN_LENGTH: {
    default: "8192",
    meaning:
      "longest token, prefix excluded, that the issuer mints and accepts (1024\u201316000); give the verifier the same `maxTokenLength`",
  },
  TOKENMINT_HEADERS_TIMEOUT: {
    default: "10s",
    meaning:
      "Node only: time for a request's line and headers to arrive; past it the server answers 408 and closes the connection (1 s to 1 h, at most the request timeout)",
  },
  TOKENMINT_REQUEST_TIMEOUT: {
    default: "30s",
    meaning:
      "Node only: time for a whole request, body included, to arrive (408 and closed beyond; 1 s to 1 h)",
  },
  TOKENMINT_MAX_CONNECTIONS: {
    default: "10000",
    meaning:
      "Node only: open connections at most; more are closed as soon as they are accepted (keep it below the process's file-descriptor limit)",
  },
  TOKENMINT_TRUSTED_PROXIES: {
    none: "none: `X-Forwarded-For` is ignored",
    meaning:
      "comma-separated addresses or CIDR ranges of proxies in front of the issuer; when one connects, the client is the right-most `X-Forwarded-For` address outside them (for `allowed_ips` and last-use IPs)",
  },
  TOKENMINT_ORG_POLICIES: {
    default: "{}",
    meaning:
      'per-organization policy, JSON: `{"acme":{"max_lifetime":"90d","min_lifetime":"1h","allow_non_expiring":false,"require_approval":true,"kinds":["pat","deploy"]}}`; with `require_approval` a new token of the org is `pending` until a service client approves it; `kinds`: the token kinds the org allows (default all)',
  },
  TOKENMINT_MAX_TOKENS_PER_SUBJECT: {
    default: "300",
    meaning: "live (unexpired, unrevoked) tokens one subject may hold",
  },
  TOKENMINT_MINT_RATE_PER_SUBJECT: {
    default: "60",
    meaning: "mints and rotations per subject per minute (429 beyond)",
  },
  TOKENMINT_MINT_RATE_PER_CLIENT: {
    default: "6000",
    meaning: "mints and rotations per service client per minute",
  },
  TOKENMINT_EXPIRY_NOTICES: {
    default: "7d,1d",
    meaning: "when before expiry a `token.expiring` event is produced",
  },
  TOKENMINT_REVOKE_UNUSED_AFTER: {
    default: "0",
    meaning:
      "revoke tokens not used for this long (a token never used counts from its creation), e.g. `365d`, with `token.expiring` notices at the `TOKENMINT_EXPIRY_NOTICES` offsets before; `0` turns it off",
  },
  TOKENMINT_SECRET_SCANNING_KEYS: {
    none: "no scanner: `POST /v1/secret-scanning` answers 401",
    meaning:
      'the secret scanner\'s public keys as GitHub publishes them: `{"public_keys":[{"key_identifier","key","is_current"}]}` (ECDSA P-256, PEM)',
  },
  TOKENMINT_AUDIT_MAX_EVENTS: { default: "100000", meaning: "length of the capped audit stream" },
  TOKENMINT_KEY_ROTATION_PERIOD: {
    default: "30d",
    meaning: "how long a key signs before scheduled rotation; `0` turns it off",
  },
  TOKENMINT_KEY_PREPUBLICATION: {
    default: "1h",
    meaning:
      "how long a `next` key is in the JWKS before it may sign; at least 335 s (5 s keyring refresh + 300 s JWKS max age + 30 s verifier cooldown)",
  },
  TOKENMINT_KEY_CLOCK_TOLERANCE: {
    default: "5m",
    meaning: "how long a retired key stays published after its last token expired",
  },
  TOKENMINT_DOCS: { default: "true", meaning: "serve `GET /openapi.json` and `GET /docs`" },
  TOKENMINT_UI: { default: "true", meaning: "serve the token-management page at `/ui`" },
  TOKENMINT_UI_SESSION_TTL: {
    default: "1h",
    meaning: "longest page session (60 s to 1 day), never past the sign-in token's expiry",
  },
  TOKENMINT_METRICS: { default: "false", meaning: "serve `GET /metrics`" },
  TOKENMINT_METRICS_TOKEN: {
    meaning: "if set, a scrape must send `Authorization: Bearer <it>`",
    secret: true,
  },
  TOKENMINT_WEBHOOKS: {
    default: "[]",
    meaning:
      'webhooks beside those of the admin API: a JSON list of `{"id"?, "url", "secret": "whsec_…", "events"?: ["token.revoked", …]}` (see webhooks.md)',
    secret: true,
  },
  TOKENMINT_WEBHOOKS_ALLOW_INSECURE: {
    default: "false",
    meaning:
      "development and tests only: let webhooks use `http` and loopback or private addresses",
  },
  TOKENMINT_WEBHOOKS_RETRY_FOR: {
    default: "1d",
    meaning:
      "how long a delivery is retried before it is kept as failed (then listed and redeliverable)",
  },
  TOKENMINT_WEBHOOKS_RETRY_BASE: {
    default: "10s",
    meaning:
      "bound of the first retry's delay; each retry doubles it (up to 1 h), each delay drawn at random below its bound",
  },
  TOKENMINT_WEBHOOKS_TIMEOUT: {
    default: "10s",
    meaning: "how long one delivery attempt may take (1 to 60 s)",
  },
};
