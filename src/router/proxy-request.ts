/**
 * Forwards one request to a cell's upstream and relays its answer: the same method, path (under
 * the upstream's base path) and query, the given headers, the request body streamed as it arrives
 * (never buffered), redirects relayed rather than followed, and the client's abort passed on. The
 * answer comes back without hop-by-hop headers: streamed, except that an answer which declares a
 * `Content-Length` of at most {@link BUFFERED_ANSWER_BYTES} is read whole first (as nginx buffers
 * small answers), so the router writes it to the client in one piece instead of flushing headers
 * and chunks separately.
 *
 * @example
 * ```ts
 * const response = await proxyRequest(request, "https://eu-1.cells.internal", headers, fetch);
 * ```
 * @module
 */
import { withoutHopByHop } from "./forward-headers.js";
import { UpstreamUnavailable } from "./router-errors.js";

/** Answers up to this size (by their `Content-Length`) are relayed whole, not streamed. */
export const BUFFERED_ANSWER_BYTES = 64 * 1024;

/** Answers already fit to relay: hop-by-hop headers gone, body read whole. */
const relayable = new WeakSet<Response>();

/**
 * Marks an upstream answer as fit to relay as it is (the Node upstream client's small answers), so
 * {@link proxyRequest} passes it on without copying headers or reading its body again.
 *
 * @example
 * ```ts
 * resolve(relayAsIs(new Response(buffer, { status, headers: withoutHopByHopRaw(raw) })));
 * ```
 */
export function relayAsIs(response: Response): Response {
  relayable.add(response);
  return response;
}

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
  // The method first: on @hono/node-server, asking a GET for its body builds a whole Request.
  if (request.method !== "GET" && request.method !== "HEAD" && request.body) {
    init.body = request.body;
    init.duplex = "half";
  }
  let upstream: Response;
  try {
    upstream = await fetchFn(upstreamUrl(base, request), init);
  } catch (error) {
    throw new UpstreamUnavailable({ cause: error });
  }
  if (relayable.has(upstream)) return upstream;
  const length = upstream.headers.get("content-length");
  const small =
    length !== null && /^\d{1,9}$/.test(length) && Number(length) <= BUFFERED_ANSWER_BYTES;
  let body: BodyInit | null = upstream.body;
  if (small && upstream.body) {
    try {
      body = await upstream.arrayBuffer();
    } catch (error) {
      throw new UpstreamUnavailable({ cause: error });
    }
  }
  return new Response(body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: withoutHopByHop(upstream.headers),
  });
}
