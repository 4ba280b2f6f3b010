/**
 * What each router configuration variable means, beside the zod schema that parses it (the
 * manual's configuration page is generated from both).
 * @module
 */
import type { VariableDoc } from "../config/variables.js";
import type { RouterVariable } from "./config.js";

/** Every router variable, in the order of the schema. */
export const ROUTER_VARIABLES: Readonly<Record<RouterVariable, VariableDoc>> = {
  PORT: { default: "8081", meaning: "Node only: the port the router listens on" },
  HOST: { default: "127.0.0.1", meaning: "Node only: the address the router listens on" },
  ROUTER_ISSUER: {
    meaning:
      "**required**: the issuer URL; JWKS at `/.well-known/jwks.json`, status lists, `/v1/routes`",
  },
  ROUTER_AUDIENCE: {
    meaning: "**required**: comma-separated audience(s); a token must name one",
  },
  ROUTER_CELLS: {
    meaning: "**required**: comma-separated `cell=url` (http(s), may carry a base path)",
  },
  ROUTER_FALLBACK: {
    meaning: "**required**: the cell (one of `ROUTER_CELLS`) for tokens without `org`/`cell`",
  },
  ROUTER_ROUTES_REFRESH: {
    default: "10",
    meaning: "seconds between refreshes of the org → cell map (1–300)",
  },
  ROUTER_FORWARD_CLAIMS_HEADER: {
    meaning: "header that carries the verified claims to the cell",
  },
  ROUTER_TOKEN_PREFIX: {
    default: "tmpat_",
    meaning: "the issuer's token prefix (may be empty), for an issuer of one kind",
  },
  ROUTER_TOKEN_PREFIXES: {
    none: "`ROUTER_TOKEN_PREFIX` as the one kind `pat`",
    meaning:
      'every token kind the issuer mints and its prefix, JSON: `{"pat":"tmpat_","deploy":"tmdt_"}` (the issuer\'s `tokenmint_token_prefixes` metadata)',
  },
  ROUTER_TRUSTED_PROXIES: {
    none: "none: `X-Forwarded-For` is not believed",
    meaning:
      "comma-separated addresses or CIDR ranges of proxies in front of the router; when one connects, the client (checked against a token's `allowed_ips`) is the right-most `X-Forwarded-For` address outside them",
  },
  ROUTER_TRUST_FORWARDED: {
    default: "false",
    meaning: "`true` behind a trusted proxy: append to `X-Forwarded-*`",
  },
  ROUTER_HEADERS_TIMEOUT: {
    default: "10s",
    meaning: "Node only: time for a request's line and headers to arrive (408 and closed beyond)",
  },
  ROUTER_REQUEST_TIMEOUT: {
    default: "300s",
    meaning:
      "Node only: time for a whole request to arrive; longer than the issuer's, since bodies stream to the cells with no size limit",
  },
  ROUTER_MAX_CONNECTIONS: {
    default: "10000",
    meaning: "Node only: open connections at most; more are closed as soon as they are accepted",
  },
};
