/**
 * One delivery attempt over HTTP: `POST` of the signed JSON body, no redirects followed, a time
 * limit on the whole exchange, and at most {@link MAX_RESPONSE_BYTES} of the answer read (the rest
 * is dropped). A 2xx answer is a success; anything else, or no answer, is a failure to retry; a
 * target the fetcher refuses when connecting is thrown as {@link TargetRefused}.
 *
 * @example
 * ```ts
 * const result = await sendWebhook(fetch, url, headers, body, 10_000);
 * if (result.ok) ...
 * ```
 * @module
 */

import { TargetRefused } from "./target-guard.js";

/** What an attempt sends: a `POST` of a JSON body, redirects not followed, under a time limit. */
export interface WebhookRequest {
  readonly method: "POST";
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly redirect: "manual";
  readonly signal: AbortSignal;
}

/** The part of an answer an attempt uses (a `fetch` `Response` is one). */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Makes the request of an attempt: the runtime's `fetch`, or on Node a sender that connects only
 * to an address it checked. It rejects with {@link TargetRefused} when it refuses the target.
 */
export type WebhookFetcher = (url: URL, request: WebhookRequest) => Promise<WebhookAnswer>;

/** The most of a receiver's answer that is read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** What an attempt got. */
export interface AttemptResult {
  readonly ok: boolean;
  /** The HTTP status, or null when there was no answer. */
  readonly status: number | null;
  /** Why it failed, in a short line (never the body). */
  readonly error: string | null;
}

/** Reads at most `limit` bytes of a body, then lets go of the rest. */
async function drainCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let read = 0;
  try {
    while (read <= limit) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } finally {
    reader.releaseLock();
  }
}

/**
 * Sends one attempt.
 *
 * @throws {TargetRefused} when the fetcher refuses the target (Node: it resolved to a blocked
 *   address when connecting).
 * @example
 * ```ts
 * await sendWebhook(fetch, "https://hooks.example.com/t", signed, body, 10_000);
 * ```
 */
export async function sendWebhook(
  fetcher: WebhookFetcher,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetcher(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "tokenmint-webhooks",
      },
      body,
      redirect: "manual",
      signal,
    });
    await drainCapped(response.body, MAX_RESPONSE_BYTES);
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, status: response.status, error: null };
    }
    const error =
      response.status >= 300 && response.status < 400
        ? `redirect ${response.status} not followed`
        : `HTTP ${response.status}`;
    return { ok: false, status: response.status, error };
  } catch (error) {
    // A target refused when connecting is reported like one refused before the attempt.
    if (error instanceof TargetRefused) throw error;
    if (signal.aborted)
      return { ok: false, status: null, error: `timed out after ${timeoutMs} ms` };
    const failure = error as { code?: string; message: string; cause?: typeof failure };
    const cause = failure.cause;
    return {
      ok: false,
      status: null,
      error: (cause?.code ?? cause?.message ?? failure.code ?? failure.message).slice(0, 200),
    };
  }
}
