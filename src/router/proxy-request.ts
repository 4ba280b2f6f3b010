/**
 * Forwards one request to a cell's upstream and relays its answer: the same method, path (under
 * the upstream's base path) and query, the given headers, the body streamed as it arrives (never
 * buffered), redirects relayed rather than followed, and the client's abort passed on. The answer
 * comes back streamed, without hop-by-hop headers.
 *
 * @example
 * ```ts
 * const response = await proxyRequest(request, "https://eu-1.cells.internal", headers, fetch);
 * ```
 * @module
 */
import { withoutHopByHop } from "./forward-headers.js";
import { UpstreamUnavailable } from "./router-errors.js";

/** `RequestInit` with the streaming flag Node's `fetch` requires for a stream body. */
type StreamingInit = RequestInit & { duplex?: "half" };

/** `base` (no trailing slash) + the request's path and query. */
export function upstreamUrl(base: string, request: Request): string {
  const url = new URL(request.url);
  return `${base}${url.pathname}${url.search}`;
}

/**
 * Sends the request to the upstream at `base`.
 *
 * @throws {UpstreamUnavailable} when the upstream cannot be reached or fails before answering.
 */
export async function proxyRequest(
  request: Request,
  base: string,
  headers: Headers,
  fetchFn: typeof fetch,
): Promise<Response> {
  const init: StreamingInit = {
    method: request.method,
    headers,
    redirect: "manual",
    signal: request.signal,
  };
  if (request.body && request.method !== "GET" && request.method !== "HEAD") {
    init.body = request.body;
    init.duplex = "half";
  }
  let upstream: Response;
  try {
    upstream = await fetchFn(upstreamUrl(base, request), init);
  } catch (error) {
    throw new UpstreamUnavailable({ cause: error });
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: withoutHopByHop(upstream.headers),
  });
}
