/**
 * Counts the sequential Redis round trips the issuer waits for (issue 20, `redis.exchanges.mint`):
 * a TCP proxy between the issuer and redis-server that sees every byte on every connection. A
 * connection is waiting from the moment the issuer writes to it until Redis answers on it; an
 * exchange starts when the issuer writes while no connection is waiting. So a pipeline, a script,
 * or commands sent on several connections at once count as one exchange, and each write that had
 * to wait for an earlier answer counts as one more. Driven by one request at a time, exchanges ÷
 * requests is the number of round trips a request waits for, in sequence.
 * @module
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** A running counting proxy. */
export interface ExchangeCounter {
  readonly url: string;
  /** Exchanges so far. */
  readonly exchanges: () => number;
  close(): Promise<void>;
}

/** Starts a proxy to `redisPort` on a free loopback port. */
export async function startExchangeCounter(redisPort: number): Promise<ExchangeCounter> {
  const waiting = new Set<Socket>();
  const sockets = new Set<Socket>();
  let exchanges = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(redisPort, "127.0.0.1");
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (waiting.size === 0) exchanges++;
      waiting.add(client);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      waiting.delete(client);
      client.write(chunk);
    });
    const end = () => {
      waiting.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    exchanges: () => exchanges,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
