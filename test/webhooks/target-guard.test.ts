/**
 * The SSRF guard: only `https`, never a loopback, private, link-local, unique-local, metadata or
 * other non-public address (IP literals always; host names after resolution where the runtime
 * resolves), unless `TOKENMINT_WEBHOOKS_ALLOW_INSECURE=true`. Checked when a webhook is created
 * through the API, when the configuration is read, before every attempt and, on Node, again when
 * the attempt connects, to the address checked then (DNS rebinding).
 */

import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/config.js";
import { nodeWebhookTransport } from "../../src/node/webhook-delivery.js";
import { runWebhookPass } from "../../src/webhooks/delivery-pass.js";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import {
  blockedAddress,
  checkWebhookTarget,
  TargetRefused,
} from "../../src/webhooks/target-guard.js";
import { createTestIssuer } from "../helpers/issuer.js";

describe("the webhook target guard", () => {
  it("tells public addresses from the ones a webhook must never reach", () => {
    const blocked = [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd00:ec2::254",
      "::ffff:127.0.0.1",
      "::ffff:7f00:1",
      "64:ff9b::a9fe:a9fe",
      "ff02::1",
    ];
    const open = ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"];
    expect(blocked.filter((address) => blockedAddress(address) !== true)).toEqual([]);
    expect(open.filter((address) => blockedAddress(address) !== false)).toEqual([]);
    expect(blockedAddress("hooks.example.com")).toBeUndefined();
  });

  it("refuses http, local names, private literals and names that resolve to a private address", async () => {
    const policy = { allowInsecure: false };
    const refused = async (url: string, resolve?: (host: string) => Promise<string[]>) =>
      checkWebhookTarget(url, resolve ? { ...policy, resolve } : policy).then(
        () => "accepted",
        (error: unknown) => (error instanceof TargetRefused ? "refused" : String(error)),
      );
    expect(await refused("http://hooks.example.com/t")).toBe("refused");
    expect(await refused("https://localhost/t")).toBe("refused");
    expect(await refused("https://api.localhost/t")).toBe("refused");
    expect(await refused("https://127.0.0.1/t")).toBe("refused");
    expect(await refused("https://2130706433/t")).toBe("refused");
    expect(await refused("https://[::1]/t")).toBe("refused");
    expect(await refused("https://169.254.169.254/latest/meta-data")).toBe("refused");
    expect(await refused("https://metadata.google.internal/")).toBe("refused");
    expect(await refused("https://user:pw@hooks.example.com/t")).toBe("refused");
    expect(
      await refused("https://hooks.example.com/t", async () => ["93.184.216.34", "10.0.0.7"]),
    ).toBe("refused");
    expect(
      await refused("https://hooks.example.com/t", async () => {
        throw new Error("ENOTFOUND");
      }),
    ).toBe("refused");
    expect(await refused("https://hooks.example.com/t", async () => ["93.184.216.34"])).toBe(
      "accepted",
    );
    expect(await refused("https://93.184.216.34/t")).toBe("accepted");
    await expect(
      checkWebhookTarget("http://127.0.0.1:9/t", { allowInsecure: true }),
    ).resolves.toBeInstanceOf(URL);
  });

  it("refuses such URLs at creation through the API, and in the configuration", async () => {
    const issuer = await createTestIssuer();
    const create = (url: string) =>
      issuer.request("/v1/webhooks", {
        method: "POST",
        headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
        body: JSON.stringify({ url }),
      });
    for (const url of [
      "http://hooks.example.com/t",
      "https://127.0.0.1/t",
      "https://[fd00::1]/t",
      "https://localhost:8443/t",
      "https://10.0.0.1/t",
    ]) {
      const response = await create(url);
      expect(response.status, url).toBe(400);
      expect(await response.json()).toMatchObject({
        code: "invalid_request",
        errors: [{ path: "url" }],
      });
    }
    expect(
      (await issuer.request("/v1/webhooks", { headers: { authorization: issuer.clientAuth } }))
        .status,
    ).toBe(200);
    const accepted = await create("https://hooks.example.com/t");
    expect(accepted.status).toBe(201);
    const { id } = (await accepted.json()) as { id: string };
    const patch = (body: unknown) =>
      issuer.request(`/v1/webhooks/${id}`, {
        method: "PATCH",
        headers: { authorization: issuer.clientAuth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await patch({ url: "https://192.168.0.10/t" })).status).toBe(400);
    const changed = await patch({ url: "https://hooks2.example.com/t", events: ["token.revoked"] });
    expect(await changed.json()).toMatchObject({
      id,
      url: "https://hooks2.example.com/t",
      events: ["token.revoked"],
    });
    expect(await (await patch({ events: null })).json()).toMatchObject({ events: null });
    expect(() =>
      parseConfig({
        TOKENMINT_WEBHOOKS: JSON.stringify([
          { url: "http://hooks.example.com/t", secret: generateWebhookSecret() },
        ]),
      }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig({ TOKENMINT_WEBHOOKS: JSON.stringify([{ url: "https://x.test", secret: "s" }]) }),
    ).toThrow(/whsec_/);
  });

  it("checks every attempt: a name that now resolves to a private address is not sent to", async () => {
    const issuer = await createTestIssuer({
      env: {
        TOKENMINT_WEBHOOKS: JSON.stringify([
          { id: "rebound", url: "https://hooks.example.com/t", secret: generateWebhookSecret() },
        ]),
      },
    });
    await issuer.ctx.store.openOutbox();
    await issuer.mint();
    const sent: string[] = [];
    const pass = await runWebhookPass(issuer.ctx, {
      consumer: "test",
      resolveHost: async () => ["10.20.30.40"],
      fetch: (async (url: string | URL) => {
        sent.push(String(url));
        return new Response(null, { status: 204 });
      }) as typeof fetch,
    });
    expect(pass).toMatchObject({ fannedOut: 1, retried: 1, delivered: 0 });
    expect(sent).toEqual([]);
    const listed = (await (
      await issuer.request("/v1/webhooks/rebound/deliveries", {
        headers: { authorization: issuer.clientAuth },
      })
    ).json()) as { deliveries: { last_error: string; state: string }[] };
    expect(listed.deliveries[0]).toMatchObject({
      state: "pending",
      last_error: "refused: host hooks.example.com resolves to 10.20.30.40, which is not public",
    });
  });

  it("on Node, connects only to an address it checked: a name that rebinds to loopback after the check is refused without a connection", async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as AddressInfo;
    try {
      const issuer = await createTestIssuer({
        env: {
          TOKENMINT_WEBHOOKS: JSON.stringify([
            {
              id: "rebinding",
              url: `https://hooks.example.com:${port}/t`,
              secret: generateWebhookSecret(),
            },
          ]),
        },
      });
      await issuer.ctx.store.openOutbox();
      await issuer.mint();
      // The first answer (the guard's check) is public, every later one (the connection's) is not.
      const asked: string[] = [];
      const lookup = async (host: string) => {
        asked.push(host);
        return [{ address: asked.length === 1 ? "93.184.216.34" : "127.0.0.1", family: 4 }];
      };
      const pass = await runWebhookPass(issuer.ctx, {
        consumer: "test",
        ...nodeWebhookTransport(false, lookup),
      });
      expect(pass).toMatchObject({ fannedOut: 1, retried: 1, delivered: 0 });
      expect(asked).toEqual(["hooks.example.com", "hooks.example.com"]);
      expect(connections).toBe(0);
      const listed = (await (
        await issuer.request("/v1/webhooks/rebinding/deliveries", {
          headers: { authorization: issuer.clientAuth },
        })
      ).json()) as { deliveries: { last_error: string; last_status: number | null }[] };
      expect(listed.deliveries[0]).toMatchObject({
        last_status: null,
        last_error: "refused: host hooks.example.com resolves to 127.0.0.1, which is not public",
      });
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });

  it("does not follow redirects, and reads at most 64 KiB of an answer", async () => {
    const issuer = await createTestIssuer({
      env: {
        TOKENMINT_WEBHOOKS: JSON.stringify([
          { id: "moved", url: "https://hooks.example.com/t", secret: generateWebhookSecret() },
        ]),
      },
    });
    await issuer.ctx.store.openOutbox();
    await issuer.mint();
    const redirects: RequestInit[] = [];
    let pulled = 0;
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 16384;
        controller.enqueue(new Uint8Array(16384));
      },
    });
    const pass = await runWebhookPass(issuer.ctx, {
      consumer: "test",
      resolveHost: async () => ["93.184.216.34"],
      fetch: (async (_url: string | URL, init?: RequestInit) => {
        redirects.push(init ?? {});
        return new Response(huge, { status: 307, headers: { location: "http://127.0.0.1/" } });
      }) as typeof fetch,
    });
    expect(pass).toMatchObject({ retried: 1 });
    expect(redirects[0]?.redirect).toBe("manual");
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 3 * 16384);
    const listed = (await (
      await issuer.request("/v1/webhooks/moved/deliveries", {
        headers: { authorization: issuer.clientAuth },
      })
    ).json()) as { deliveries: { last_error: string; last_status: number }[] };
    expect(listed.deliveries[0]).toMatchObject({
      last_status: 307,
      last_error: "redirect 307 not followed",
    });
  });
});
