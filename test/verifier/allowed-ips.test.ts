/**
 * The verifier's side of `allowed_ips`: the range arithmetic (normalizing, matching, one list
 * within another, checked against a brute-force model), `X-Forwarded-For` behind trusted proxies,
 * `checkClientAddress`, and `requireToken` with its `clientAddress` option, in-process and on a
 * real `@hono/node-server` over loopback.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import fc from "fast-check";
import { Hono } from "hono";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addressInRanges,
  behindProxies,
  checkClientAddress,
  forwardedClientAddress,
  IpNotAllowed,
  normalizeIpRanges,
  rangesWithin,
  requireToken,
  type TokenVariables,
  type Verifier,
} from "../../packages/verifier/src/index.js";
import { FakeIssuer } from "./fake-issuer.js";

describe("IP ranges", () => {
  it("normalizes: host bits cleared, single addresses as /32 and /128, mapped IPv4 as IPv4, duplicates dropped", () => {
    expect(
      normalizeIpRanges([
        "10.1.2.3/8",
        "2001:DB8:0:0::1/32",
        "192.0.2.7",
        "::1",
        "::ffff:10.0.0.0/104",
        "::ffff:0:0/96",
      ]),
    ).toEqual(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7/32", "::1/128", "0.0.0.0/0"]);
  });

  it("refuses what is not strictly an address or a range, naming the entry", () => {
    for (const bad of [
      "10.1",
      "0x0a.0.0.0",
      "010.0.0.1",
      "10.0.0.0/33",
      "::/129",
      "1.2.3.4/",
      "fe80::1%eth0",
      "host",
      "",
    ]) {
      expect(() => normalizeIpRanges(["10.0.0.0/8", bad]), bad).toThrow(/^\[1\]: /);
    }
  });

  it("matches IPv4, IPv6 and IPv4-mapped IPv6 addresses; an unparsable or unknown address matches nothing", () => {
    const list = ["10.0.0.0/8", "2001:db8::/32"];
    expect(addressInRanges("10.255.0.1", list)).toBe(true);
    expect(addressInRanges("::ffff:10.1.2.3", list)).toBe(true);
    expect(addressInRanges("::FFFF:a01:203", list)).toBe(true);
    expect(addressInRanges("2001:db8:ffff::1", list)).toBe(true);
    expect(addressInRanges("fe80::1%eth0", ["fe80::/10"])).toBe(true);
    expect(addressInRanges("11.0.0.1", list)).toBe(false);
    expect(addressInRanges("2001:db9::1", list)).toBe(false);
    expect(addressInRanges("garbage", list)).toBe(false);
    expect(addressInRanges(undefined, list)).toBe(false);
  });

  it("decides whether one list lies within another exactly, split ranges included", () => {
    expect(rangesWithin(["10.1.0.0/16"], ["10.0.0.0/8"])).toBe(true);
    expect(rangesWithin(["10.0.0.0/8"], ["10.0.0.0/9", "10.128.0.0/9"])).toBe(true);
    expect(rangesWithin(["10.0.0.0/8"], ["10.0.0.0/9", "10.128.0.0/10"])).toBe(false);
    expect(rangesWithin(["::ffff:10.1.0.0/112"], ["10.0.0.0/8"])).toBe(true);
    expect(rangesWithin(["10.0.0.0/8"], ["2001:db8::/32"])).toBe(false);
    expect(rangesWithin(undefined, ["0.0.0.0/0", "::/0"])).toBe(false);
    expect(rangesWithin(["0.0.0.0/0"], undefined)).toBe(true);
    expect(rangesWithin(undefined, undefined)).toBe(true);
  });

  it("agrees with a brute-force model on a small address space", () => {
    // Ranges inside 10.0.0.0/28: 16 addresses, so "within" can be checked address by address.
    const rangeArb = fc
      .record({ start: fc.nat(15), prefix: fc.integer({ min: 28, max: 32 }) })
      .map(({ start, prefix }) => `10.0.0.${start}/${prefix}`);
    const listArb = fc.array(rangeArb, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(listArb, listArb, (candidate, holder) => {
        const addresses = Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`);
        const model = addresses.every(
          (a) => !addressInRanges(a, candidate) || addressInRanges(a, holder),
        );
        expect(rangesWithin(candidate, holder)).toBe(model);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the client address behind trusted proxies", () => {
  const proxies = normalizeIpRanges(["10.0.0.0/8", "fd00::/8"]);

  it("is the peer unless the peer is a trusted proxy", () => {
    expect(forwardedClientAddress("203.0.113.1", "198.51.100.7", proxies)).toBe("203.0.113.1");
    expect(forwardedClientAddress("10.0.0.2", "198.51.100.7", [])).toBe("10.0.0.2");
    expect(forwardedClientAddress(undefined, "198.51.100.7", proxies)).toBeUndefined();
  });

  it("is the right-most X-Forwarded-For address outside the proxies", () => {
    expect(forwardedClientAddress("10.0.0.2", "198.51.100.7, 203.0.113.9, 10.0.0.1", proxies)).toBe(
      "203.0.113.9",
    );
    expect(forwardedClientAddress("fd00::2", "[2001:db8::7]:443", proxies)).toBe("2001:db8::7");
    expect(forwardedClientAddress("10.0.0.2", "192.0.2.1:8080", proxies)).toBe("192.0.2.1");
    expect(forwardedClientAddress("10.0.0.2", "10.0.0.9, 10.0.0.8", proxies)).toBe("10.0.0.9");
    expect(forwardedClientAddress("10.0.0.2", undefined, proxies)).toBeUndefined();
  });
});

describe("checkClientAddress", () => {
  it("passes tokens without the claim and refuses others from outside or from nowhere", () => {
    expect(() => checkClientAddress({}, undefined)).not.toThrow();
    expect(() => checkClientAddress({ allowed_ips: ["10.0.0.0/8"] }, "10.1.1.1")).not.toThrow();
    const outside = (() => {
      try {
        checkClientAddress({ allowed_ips: ["10.0.0.0/8"] }, "11.1.1.1");
      } catch (error) {
        return error;
      }
    })();
    expect(outside).toBeInstanceOf(IpNotAllowed);
    expect(outside).toMatchObject({ code: "ip_not_allowed", status: 403 });
    expect(() => checkClientAddress({ allowed_ips: ["10.0.0.0/8"] }, undefined)).toThrow(
      /client address is unknown/,
    );
  });

  it("refuses a claim of the wrong shape at verification", async () => {
    const issuer = await FakeIssuer.create();
    const server = setupServer(...issuer.handlers());
    server.listen({ onUnhandledRequest: "error" });
    try {
      const token = await issuer.token({ allowed_ips: "10.0.0.0/8" });
      await expect(issuer.verifier().verify(token)).rejects.toMatchObject({
        code: "claim_invalid",
      });
    } finally {
      server.close();
    }
  });
});

describe("requireToken with allowed_ips", () => {
  const server = setupServer();
  let issuer: FakeIssuer;
  let verifier: Verifier;
  beforeAll(() => server.listen({ onUnhandledRequest: "bypass" }));
  beforeEach(async () => {
    issuer = await FakeIssuer.create();
    server.use(...issuer.handlers());
    verifier = issuer.verifier();
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  const appWith = (options: Partial<Parameters<typeof requireToken>[0]>) => {
    const app = new Hono<{ Variables: TokenVariables }>();
    app.get("/me", requireToken({ verifier, ...options }), (c) =>
      c.json({ sub: c.get("tokenClaims").sub }),
    );
    return app;
  };

  it("answers 403 ip_not_allowed from outside the list, and lets tokens without it through", async () => {
    const app = appWith({ clientAddress: (c) => c.req.header("x-test-peer") });
    const limited = await issuer.token({ allowed_ips: ["10.0.0.0/8"] });
    const request = (token: string, peer: string) =>
      app.request("/me", { headers: { authorization: `Bearer ${token}`, "x-test-peer": peer } });
    expect((await request(limited, "10.1.2.3")).status).toBe(200);
    const refused = await request(limited, "192.0.2.1");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(await refused.json()).toEqual({
      type: "https://tokenmint.dev/problems/ip_not_allowed",
      title: "Forbidden",
      status: 403,
      code: "ip_not_allowed",
      detail: "The token may not be used from this address",
    });
    // The cached path (verifyCached) is guarded too.
    expect((await request(limited, "192.0.2.1")).status).toBe(403);
    expect((await request(await issuer.token(), "192.0.2.1")).status).toBe(200);
  });

  it("refuses a limited token where the runtime reports no address (in-process, no clientAddress)", async () => {
    const response = await appWith({}).request("/me", {
      headers: { authorization: `Bearer ${await issuer.token({ allowed_ips: ["0.0.0.0/0"] })}` },
    });
    expect(response.status).toBe(403);
  });

  it("reads the socket's address on @hono/node-server, and X-Forwarded-For only behind trusted proxies", async () => {
    const direct = appWith({});
    const proxied = appWith({ clientAddress: behindProxies(["127.0.0.1", "::1"]) });
    const listen = (app: Hono<{ Variables: TokenVariables }>) =>
      new Promise<{ url: string; close: () => void }>((resolve) => {
        const running = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
          resolve({
            url: `http://127.0.0.1:${(info as AddressInfo).port}`,
            close: () => running.close(),
          }),
        );
      });
    const [a, b] = await Promise.all([listen(direct), listen(proxied)]);
    try {
      const local = await issuer.token({ allowed_ips: ["127.0.0.0/8"] });
      const remote = await issuer.token({ allowed_ips: ["203.0.113.0/24"] });
      const get = (url: string, token: string, from?: string) =>
        fetch(`${url}/me`, {
          headers: {
            authorization: `Bearer ${token}`,
            ...(from === undefined ? {} : { "x-forwarded-for": from }),
          },
        });
      expect((await get(a.url, local)).status).toBe(200);
      expect((await get(a.url, remote, "203.0.113.9")).status).toBe(403);
      expect((await get(b.url, remote, "203.0.113.9")).status).toBe(200);
      expect((await get(b.url, remote, "203.0.113.9, 192.0.2.1")).status).toBe(403);
    } finally {
      a.close();
      b.close();
    }
  });

  it("checks its options once", () => {
    expect(() => behindProxies(["10.0.0.0/8", "nope"])).toThrow(
      'behindProxies: proxies[1]: "nope" is not an IP address or CIDR range',
    );
    expect(() =>
      requireToken({ verifier, clientAddress: "127.0.0.1" as unknown as () => string }),
    ).toThrow("requireToken: clientAddress must be a function");
  });
});
