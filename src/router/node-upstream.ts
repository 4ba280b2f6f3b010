/**
 * The router's upstream client on Node: `node:http`/`node:https` with keep-alive agents, shaped as
 * `fetch`, because Node's own `fetch` (undici) costs the router more per request than the cell
 * behind it spends answering. Bodies are relayed as the cell sent them (no decoding, so `Content-Encoding`
 * stays true), redirects are relayed, never followed; small answers of known length are read
 * whole (see `BUFFERED_ANSWER_BYTES`) and, when no header name repeats, handed over without their
 * hop-by-hop headers and marked fit to relay as they are; others are streamed.
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { withoutHopByHopRaw } from "./forward-headers.js";
import { BUFFERED_ANSWER_BYTES, relayAsIs } from "./proxy-request.js";

const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxFreeSockets: 256 }),
  "https:": new HttpsAgent({ keepAlive: true, maxFreeSockets: 256 }),
};

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2)
    headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/**
 * A `fetch` for the router's requests to its cells.
 *
 * @example
 * ```ts
 * createCellRouter({ verifier, cells, fallback: "eu-1", fetch: nodeUpstreamFetch });
 * ```
 */
export const nodeUpstreamFetch: typeof fetch = (input, init = {}) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const outgoing = send(
      url,
      { method: init.method ?? "GET", headers, agent: agents[url.protocol as "http:" | "https:"] },
      (message) => {
        const status = message.statusCode ?? 502;
        const empty = status === 204 || status === 304 || init.method === "HEAD";
        const answer = (body: BodyInit | null) =>
          new Response(body, {
            status,
            statusText: message.statusMessage ?? "",
            headers: responseHeaders(message),
          });
        const length = Number(message.headers["content-length"] ?? Number.NaN);
        if (empty || !(length <= BUFFERED_ANSWER_BYTES)) {
          resolve(answer(empty ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>)));
          return;
        }
        // A small answer of known length is read whole: no web stream to build and drain. With
        // plain headers (no repeated names) it is handed to the router ready to relay, so neither
        // side builds a WHATWG Headers object or body stream for it.
        const chunks: Buffer[] = [];
        message.on("data", (chunk: Buffer) => chunks.push(chunk));
        message.once("end", () => {
          const body = Buffer.concat(chunks);
          const plain = withoutHopByHopRaw(message.rawHeaders);
          resolve(
            plain
              ? relayAsIs(
                  new Response(body, {
                    status,
                    statusText: message.statusMessage ?? "",
                    headers: plain,
                  }),
                )
              : answer(body),
          );
        });
        message.once("error", reject);
      },
    );
    outgoing.on("error", reject);
    init.signal?.addEventListener("abort", () => outgoing.destroy(new Error("aborted")), {
      once: true,
    });
    const body = init.body;
    if (body instanceof ReadableStream) {
      const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream);
      // A client that goes away mid-body (or is timed out) errors the source; `pipe` would leave
      // that error unhandled, which stops the process.
      source.once("error", (error) => outgoing.destroy(error));
      source.pipe(outgoing);
    } else if (body === undefined || body === null) {
      outgoing.end();
    } else {
      outgoing.end(typeof body === "string" ? body : Buffer.from(body as ArrayBuffer));
    }
  });
