/**
 * The headers the router sends to a cell and back to the client. Hop-by-hop headers (RFC 9110
 * section 7.6.1: `Connection`, every header it names, `Keep-Alive`, `TE`, `Trailer`,
 * `Transfer-Encoding`, `Upgrade`, and every `Proxy-*`) are dropped both ways; `Host` is left to
 * `fetch`. `X-Forwarded-For`, `-Proto` and `-Host` describe the client's request: by default the
 * router is the edge and replaces whatever the client sent (and drops `Forwarded`, every other
 * `X-Forwarded-*` and `X-Real-IP`); with `trustForwarded` it sits behind a proxy it trusts and
 * appends to them instead. The claims header, when configured, is always removed from the
 * client's request in every spelling (any case, `_` for `-`) and, for a verified token, set by the
 * router alone.
 *
 * @example
 * ```ts
 * const headers = upstreamHeaders(request, { clientIp: "203.0.113.7", trustForwarded: false });
 * ```
 * @module
 */
import type { AccessTokenClaims } from "@tokenmint/verifier";

/** The hop-by-hop headers RFC 9110 names, plus the old `Proxy-Connection`. */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** What {@link upstreamHeaders} needs besides the request. */
export interface ForwardingOptions {
  /** The client's address, when the runtime knows it. */
  readonly clientIp?: string | undefined;
  /** Append to incoming `X-Forwarded-*` instead of replacing them. */
  readonly trustForwarded: boolean;
  /** The configured claims header (lower case), if any. */
  readonly claimsHeader?: string | undefined;
  /** The verified claims to put there. */
  readonly claims?: AccessTokenClaims | undefined;
}

/**
 * The hop-by-hop test, for both header forms below: `connection` is the value of the
 * `Connection` header (the names it lists are hop-by-hop too), `name` is lower case.
 */
function hopByHopTest(connection: string | null | undefined): (name: string) => boolean {
  const doomed = new Set(HOP_BY_HOP_HEADERS);
  for (const named of (connection ?? "").split(",")) {
    const trimmed = named.trim().toLowerCase();
    if (trimmed) doomed.add(trimmed);
  }
  return (name) => doomed.has(name) || name.startsWith("proxy-");
}

/** Copies `headers` without the hop-by-hop ones (multiple `Set-Cookie`s survive the copy). */
export function withoutHopByHop(headers: Headers): Headers {
  const copy = new Headers(headers);
  const isHopByHop = hopByHopTest(headers.get("connection"));
  for (const name of [...copy.keys()]) if (isHopByHop(name)) copy.delete(name);
  return copy;
}

/**
 * {@link withoutHopByHop} for Node's raw header list (`IncomingMessage.rawHeaders`), as a plain
 * object; `undefined` when a header name repeats (such as two `Set-Cookie`s), which a plain object
 * cannot carry: the caller then takes the `Headers` path.
 *
 * @example
 * ```ts
 * withoutHopByHopRaw(["Content-Type", "text/plain", "Connection", "close"]); // { "Content-Type": "text/plain" }
 * ```
 */
export function withoutHopByHopRaw(raw: readonly string[]): Record<string, string> | undefined {
  const byName = new Map<string, [name: string, value: string]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (byName.has(lower)) return undefined;
    byName.set(lower, [raw[i] as string, raw[i + 1] as string]);
  }
  const isHopByHop = hopByHopTest(byName.get("connection")?.[1]);
  const headers: Record<string, string> = {};
  for (const [lower, [name, value]] of byName) if (!isHopByHop(lower)) headers[name] = value;
  return headers;
}

/**
 * base64url(UTF-8 JSON) of the claims: a header value must be ASCII, and claim values need not be.
 *
 * @example
 * ```ts
 * JSON.parse(new TextDecoder().decode(base64urlDecode(encodeClaims(claims))));
 * ```
 */
export function encodeClaims(claims: AccessTokenClaims): string {
  const bytes = new TextEncoder().encode(JSON.stringify(claims));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A header name as servers that map `-` and `_` to one character (CGI's `HTTP_*`, nginx with
 * `underscores_in_headers`, many frameworks) see it: `X_Tokenmint_Claims` is `x-tokenmint-claims`.
 */
function headerSpelling(name: string): string {
  return name.toLowerCase().replaceAll("_", "-");
}

function isForwardingHeader(name: string): boolean {
  const spelling = headerSpelling(name);
  return (
    spelling === "forwarded" || spelling === "x-real-ip" || spelling.startsWith("x-forwarded-")
  );
}

/**
 * The headers of the request to the cell. `Authorization` is kept: the cell authorizes the
 * request itself (permissions on resources) and may verify the token again.
 */
export function upstreamHeaders(request: Request, options: ForwardingOptions): Headers {
  const headers = withoutHopByHop(request.headers);
  headers.delete("host");
  if (options.claimsHeader) {
    const claimsHeader = headerSpelling(options.claimsHeader);
    for (const name of [...headers.keys()]) {
      if (headerSpelling(name) === claimsHeader) headers.delete(name);
    }
  }
  const url = new URL(request.url);
  if (options.trustForwarded) {
    const chain = headers.get("x-forwarded-for");
    if (options.clientIp) {
      headers.set("x-forwarded-for", chain ? `${chain}, ${options.clientIp}` : options.clientIp);
    }
    if (!headers.has("x-forwarded-proto"))
      headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
    if (!headers.has("x-forwarded-host")) headers.set("x-forwarded-host", url.host);
  } else {
    for (const name of [...headers.keys()]) {
      if (isForwardingHeader(name)) headers.delete(name);
    }
    if (options.clientIp) headers.set("x-forwarded-for", options.clientIp);
    headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
    headers.set("x-forwarded-host", url.host);
  }
  if (options.claimsHeader && options.claims) {
    headers.set(options.claimsHeader, encodeClaims(options.claims));
  }
  return headers;
}
