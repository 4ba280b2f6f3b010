/**
 * Reading a Web stream with a size cap, so a hostile peer (a status list that inflates without
 * bound, an endpoint that never stops sending) cannot make tokenmint buffer without limit.
 * @module
 */

/**
 * Reads the whole stream into one byte array.
 *
 * @throws {RangeError} as soon as more than `maxBytes` bytes have arrived (the stream is cancelled).
 * @example
 * ```ts
 * const bytes = await readCapped(response.body, 64 * 1024);
 * ```
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw new RangeError(`The stream exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
