/**
 * A small TCP proxy in front of a Redis primary that can hold its replication links: a replica
 * whose `replicaof` (or Cluster address) points at the proxy gets the replication stream through
 * it. `hold()` stops forwarding, both ways, on every connection that spoke `REPLCONF`/`PSYNC` (the
 * bytes wait in the proxy, as on a congested link); other clients pass untouched. `release()`
 * sends what waited; `drop()` closes everything and discards it, as a primary's death would.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

/** A running proxy. */
export interface LinkProxy {
  readonly port: number;
  /** Replication connections seen so far (a replica is linked through the proxy). */
  replicationLinks(): number;
  hold(): void;
  release(): void;
  /** Closes every connection and the listener; what was held is lost. */
  drop(): Promise<void>;
}

interface Pipe {
  replication: boolean;
  readonly toUpstream: Buffer[];
  readonly toClient: Buffer[];
  readonly client: Socket;
  readonly upstream: Socket;
}

/** Starts a proxy on a free loopback port that forwards to `127.0.0.1:targetPort`. */
export async function startLinkProxy(targetPort: number): Promise<LinkProxy> {
  const pipes = new Set<Pipe>();
  let held = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    const pipe: Pipe = { replication: false, toUpstream: [], toClient: [], client, upstream };
    pipes.add(pipe);
    const close = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on("data", (chunk: Buffer) => {
      if (!pipe.replication && /REPLCONF|PSYNC/i.test(chunk.toString("latin1"))) {
        pipe.replication = true;
      }
      if (held && pipe.replication) pipe.toUpstream.push(chunk);
      else upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (held && pipe.replication) pipe.toClient.push(chunk);
      else client.write(chunk);
    });
    client.on("close", close);
    upstream.on("close", close);
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("the proxy has no port");
  return {
    port: address.port,
    replicationLinks: () => [...pipes].filter((pipe) => pipe.replication).length,
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const pipe of pipes) {
        for (const chunk of pipe.toUpstream.splice(0)) pipe.upstream.write(chunk);
        for (const chunk of pipe.toClient.splice(0)) pipe.client.write(chunk);
      }
    },
    async drop() {
      for (const pipe of pipes) {
        pipe.toUpstream.length = 0;
        pipe.toClient.length = 0;
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
      pipes.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
