import { randomBytes } from "node:crypto";
import { decompressStatusList, readStatus } from "@tokenmint/verifier/status";
import { decodeJwt } from "jose";
import { describe, expect, it, vi } from "vitest";
import { STATUS_LIST_REREAD_MS } from "../../src/status/sign-status-list.js";
import { createTestIssuer, STORE_KINDS } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("the status list endpoint on the %s store", (kind) => {
  it("shows a revocation in the very next answer, and re-serves an unchanged list", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint();
    const { status } = decodeJwt(minted.token.slice(6)) as {
      status: { status_list: { uri: string; idx: number } };
    };
    const fetchList = async () => (await issuer.request(status.status_list.uri)).text();
    const bitOf = async (jwt: string) => {
      const { status_list } = decodeJwt(jwt) as { status_list: { bits: number; lst: string } };
      return readStatus(await decompressStatusList(status_list.lst), 2, status.status_list.idx);
    };
    const first = await fetchList();
    expect(await bitOf(first)).toBe(0);
    expect(await fetchList()).toBe(first); // unchanged bits: the signed token is served again
    await issuer.request(`/v1/tokens/${minted.id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    const afterRevoke = await fetchList();
    expect(afterRevoke).not.toBe(first);
    expect(await bitOf(afterRevoke)).toBe(1);
    issuer.clock.advance(issuer.config.statusList.ttlSeconds);
    const later = await fetchList();
    expect(later).not.toBe(afterRevoke); // re-signed once its ttl has passed
    expect(decodeJwt(later).iat).toBe(
      decodeJwt(afterRevoke).iat! + issuer.config.statusList.ttlSeconds,
    );
  });

  it("shows another instance's revocation within STATUS_LIST_REREAD_MS", async () => {
    const env = { TOKENMINT_KEK: randomBytes(32).toString("base64url") };
    const first = await createTestIssuer({ store: kind, env });
    const second = await createTestIssuer({ store: first.store, clock: first.clock, env });
    const minted = await first.mint();
    const { status } = decodeJwt(minted.token.slice(6)) as {
      status: { status_list: { uri: string; idx: number } };
    };
    const bitSeenBy = async (issuer: typeof first) => {
      const { status_list } = decodeJwt(
        await (await issuer.request(status.status_list.uri)).text(),
      ) as {
        status_list: { lst: string };
      };
      return readStatus(await decompressStatusList(status_list.lst), 2, status.status_list.idx);
    };
    const start = Math.ceil(performance.now());
    let realNow = start;
    const now = vi.spyOn(performance, "now").mockImplementation(() => realNow);
    try {
      expect(await bitSeenBy(second)).toBe(0);
      await first.request(`/v1/tokens/${minted.id}`, {
        method: "DELETE",
        headers: { authorization: first.clientAuth },
      });
      expect(await bitSeenBy(first)).toBe(1); // the revoking instance: at once
      realNow = start + STATUS_LIST_REREAD_MS - 1;
      expect(await bitSeenBy(second)).toBe(0); // the other one: served again, briefly
      realNow = start + STATUS_LIST_REREAD_MS;
      expect(await bitSeenBy(second)).toBe(1);
    } finally {
      now.mockRestore();
    }
  });
});
