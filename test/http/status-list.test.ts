import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { readStatus } from "../../src/status/bits.js";
import { decompressStatusList } from "../../src/status/codec.js";
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
});
