/**
 * Node's webhook sender (`src/node/pinned-fetch.ts`) against real `node:http` servers: it connects
 * to the address its lookup gave (not to what the system resolver would say), and keeps what
 * every attempt guarantees: no redirect followed, the answer read up to 64 KiB, a time limit on the
 * whole exchange (body included), the status or the network error reported, blocked IP literals
 * refused without a connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type AddressLookup, pinnedFetcher } from "../../src/node/pinned-fetch.js";
import { sendWebhook } from "../../src/webhooks/send.js";
import { TargetRefused } from "../../src/webhooks/target-guard.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A resolver where every name is the local machine, recording what it was asked. */
function localLookup(asked: string[]): AddressLookup {
  return async (host) => {
    asked.push(host);
    return [{ address: "127.0.0.1", family: 4 }];
  };
}

describe("the Node webhook sender", () => {
  it("connects to the address its lookup answered and sends the signed POST as given", async () => {
    const seen: { host: string | undefined; type: string | undefined; body: string }[] = [];
    const port = await serve((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      request.on("end", () => {
        seen.push({
          host: request.headers.host,
          type: request.headers["content-type"],
          body,
        });
        response.writeHead(204).end();
      });
    });
    const asked: string[] = [];
    const send = pinnedFetcher({ allowInsecure: true, lookup: localLookup(asked) });
    const result = await sendWebhook(
      send,
      new URL(`http://receiver.invalid:${port}/t`),
      { "webhook-id": "msg_1" },
      '{"type":"token.minted"}',
      5000,
    );
    expect(result).toEqual({ ok: true, status: 204, error: null });
    expect(asked).toEqual(["receiver.invalid"]);
    expect(seen).toEqual([
      {
        host: `receiver.invalid:${port}`,
        type: "application/json",
        body: '{"type":"token.minted"}',
      },
    ]);
  });

  it("does not follow a redirect and stops reading a long answer", async () => {
    let requests = 0;
    const port = await serve((_request, response) => {
      requests += 1;
      response.writeHead(307, { location: "http://127.0.0.1:1/" });
      // Far more than 64 KiB: the sender must let go of the rest.
      const chunk = Buffer.alloc(16384);
      const pump = () => {
        while (response.write(chunk)) {
          if (response.writableLength > 8 * 1024 * 1024) return;
        }
        response.once("drain", pump);
      };
      pump();
    });
    const send = pinnedFetcher({ allowInsecure: true, lookup: localLookup([]) });
    const result = await sendWebhook(send, new URL(`http://hooks.test:${port}/t`), {}, "{}", 5000);
    expect(result).toEqual({ ok: false, status: 307, error: "redirect 307 not followed" });
    expect(requests).toBe(1);
  });

  it("ends the exchange at the time limit, even when the answer's body stalls", async () => {
    const port = await serve((_request, response) => {
      response.writeHead(200, { "content-length": "100" });
      response.write("partial");
    });
    const send = pinnedFetcher({ allowInsecure: true, lookup: localLookup([]) });
    const started = Date.now();
    const result = await sendWebhook(send, new URL(`http://hooks.test:${port}/t`), {}, "{}", 300);
    expect(result).toEqual({ ok: false, status: null, error: "timed out after 300 ms" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports an error answer's status, and a refused connection by its code", async () => {
    const port = await serve((_request, response) => {
      response.writeHead(503).end("busy");
    });
    const send = pinnedFetcher({ allowInsecure: true, lookup: localLookup([]) });
    expect(await sendWebhook(send, new URL(`http://hooks.test:${port}/t`), {}, "{}", 5000)).toEqual(
      { ok: false, status: 503, error: "HTTP 503" },
    );
    const closed = await serve(() => {});
    await new Promise<void>((resolve) => {
      const server = servers.pop() as Server;
      server.close(() => resolve());
    });
    expect(
      await sendWebhook(send, new URL(`http://hooks.test:${closed}/t`), {}, "{}", 5000),
    ).toEqual({ ok: false, status: null, error: "ECONNREFUSED" });
  });

  it("refuses a blocked IP literal, or a name resolving to one, without connecting", async () => {
    let connections = 0;
    const port = await serve((_request, response) => {
      connections += 1;
      response.writeHead(204).end();
    });
    const asked: string[] = [];
    const send = pinnedFetcher({ allowInsecure: false, lookup: localLookup(asked) });
    await expect(
      sendWebhook(send, new URL(`https://127.0.0.1:${port}/t`), {}, "{}", 5000),
    ).rejects.toThrow(new TargetRefused("address 127.0.0.1 is not public"));
    await expect(
      sendWebhook(send, new URL(`https://[::ffff:127.0.0.1]:${port}/t`), {}, "{}", 5000),
    ).rejects.toBeInstanceOf(TargetRefused);
    await expect(
      sendWebhook(send, new URL(`https://hooks.test:${port}/t`), {}, "{}", 5000),
    ).rejects.toThrow(
      new TargetRefused("host hooks.test resolves to 127.0.0.1, which is not public"),
    );
    expect(asked).toEqual(["hooks.test"]);
    expect(connections).toBe(0);
  });
});
