/**
 * A real webhook receiver for the tests: a `node:http` server that verifies every request with
 * the Standard Webhooks reference library (`standardwebhooks`), as a receiver in the field would,
 * and records what it accepted. It can be taken down (every connection is dropped unanswered)
 * and brought back. A `GET` answers what it recorded, for tests in another process (workerd).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One accepted message. */
export interface Received {
  readonly id: string;
  readonly payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A running receiver. */
export interface Receiver {
  readonly url: string;
  /** Every verified request, in arrival order (duplicates included). */
  readonly received: Received[];
  /** Requests whose signature did not verify. */
  readonly rejected: string[];
  /** Distinct `webhook-id`s accepted. */
  ids(): Set<string>;
  /** While down, every request is dropped without an answer. */
  setDown(down: boolean): void;
  /** Verifies with another secret from now on (an API-created webhook's, known after creation). */
  useSecret(secret: string): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free port that verifies with `secret`. */
export async function startReceiver(secret: string, path = "/hook"): Promise<Receiver> {
  let verifier = new Webhook(secret);
  const received: Received[] = [];
  const rejected: string[] = [];
  let down = false;
  const server: Server = createServer((request, response) => {
    if (down) {
      request.socket.destroy();
      return;
    }
    if (request.method === "GET") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ received, rejected }));
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const payload = verifier.verify(body, request.headers as Record<string, string>);
        received.push({
          id: String(request.headers["webhook-id"]),
          payload: payload as Received["payload"],
        });
        response.writeHead(204).end();
      } catch (error) {
        rejected.push((error as Error).message);
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    rejected,
    ids: () => new Set(received.map((message) => message.id)),
    setDown(value) {
      down = value;
    },
    useSecret(value) {
      verifier = new Webhook(value);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` every 25 ms until it holds, or throws after `limitMs`. */
export async function eventually(
  limitMs: number,
  check: () => boolean | Promise<boolean>,
  what = "condition",
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > limitMs) throw new Error(`${what} not reached within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
