/**
 * Raw TCP connections to an HTTP server, for what `fetch` cannot do: send a request a few bytes
 * at a time, hold a connection open, and see exactly when the server closes it.
 */
import { connect } from "node:net";

/** One raw connection. */
export interface RawConnection {
  /** Writes bytes as they are. */
  write(text: string): void;
  /** Everything the server has sent so far. */
  received(): string;
  /** Resolves once what the server sent satisfies `done`; rejects if it closes first. */
  until(done: (received: string) => boolean): Promise<string>;
  /** Resolves when the connection is closed or reset, with `performance.now()` at that moment. */
  readonly closed: Promise<number>;
  /** Whether the connection has closed. */
  isClosed(): boolean;
  destroy(): void;
}

/** Opens a connection to the host and port of `url` and resolves once it is connected. */
export function openRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = "";
    let ended = false;
    const waiters = new Set<() => void>();
    const closed = new Promise<number>((resolveClosed) => {
      socket.once("close", () => {
        ended = true;
        for (const wake of waiters) wake();
        resolveClosed(performance.now());
      });
    });
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      for (const wake of waiters) wake();
    });
    // A reset is how a capped server refuses: it shows as `closed`, not as a failure.
    socket.on("error", () => undefined);
    socket.once("connect", () =>
      resolve({
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        received: () => text,
        until: (done) =>
          new Promise<string>((resolveUntil, rejectUntil) => {
            const check = () => {
              if (done(text)) {
                waiters.delete(check);
                resolveUntil(text);
              } else if (ended) {
                waiters.delete(check);
                rejectUntil(new Error(`closed after ${JSON.stringify(text.slice(0, 200))}`));
              }
            };
            waiters.add(check);
            check();
          }),
        closed,
        isClosed: () => ended,
        destroy: () => socket.destroy(),
      }),
    );
    socket.once("error", reject);
  });
}

/** A complete `GET` request on a kept-alive connection. */
export function rawGet(path: string, host: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${lines.join("")}\r\n`;
}

/** Whether `received` holds one whole response whose body has the `Content-Length` it declares. */
export function hasWholeResponse(received: string): boolean {
  const end = received.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /\r\ncontent-length: (\d+)/i.exec(received.slice(0, end));
  return length !== null && received.length - (end + 4) >= Number(length[1]);
}

/**
 * One `GET` on a new connection: the whole answer, or `""` when the server closes the connection
 * without answering (as a server at its connection cap does).
 */
export async function getOnce(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const connection = await openRaw(url);
  connection.write(rawGet(path, new URL(url).host, headers));
  const answer = await connection.until(hasWholeResponse).catch(() => connection.received());
  connection.destroy();
  return answer;
}

/**
 * Opens `count` connections and sends one `GET` on each, so the server has accepted them all;
 * they stay open (kept alive) until destroyed.
 */
export async function holdConnections(
  url: string,
  count: number,
  path: string,
): Promise<RawConnection[]> {
  const held = await Promise.all(Array.from({ length: count }, () => openRaw(url)));
  for (const connection of held) {
    connection.write(rawGet(path, new URL(url).host));
    await connection.until(hasWholeResponse);
  }
  return held;
}

/** `getOnce` until it is answered (at most `attempts` times, 50 ms apart); the answer or `""`. */
export async function getOnceAnswered(url: string, path: string, attempts = 20): Promise<string> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const answer = await getOnce(url, path);
    if (answer) return answer;
    await sleep(50);
  }
  return "";
}

/**
 * Sends `opening`, then `byte` every 200 ms until the server closes the connection (or 8 s pass):
 * how long it stayed open, in ms, and what the server answered.
 */
export async function dribble(
  url: string,
  opening: string,
  byte: string,
): Promise<{ ms: number; answer: string }> {
  const connection = await openRaw(url);
  const started = performance.now();
  connection.write(opening);
  const deadline = started + 8000;
  while (!connection.isClosed() && performance.now() < deadline) {
    connection.write(byte);
    await sleep(200);
  }
  connection.destroy();
  return { ms: (await connection.closed) - started, answer: connection.received() };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
