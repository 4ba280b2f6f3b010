/**
 * The `token.minted` event is built from the stored record by one function, which the mint and
 * the benchmark's replay of a mint both use: what a real mint appends is exactly that event.
 */
import { describe, expect, it } from "vitest";
import { mintedEvent } from "../../src/tokens/issue-token.js";
import { CLIENT, createTestIssuer, STORE_KINDS } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("the token.minted event on the %s store", (kind) => {
  it("is mintedEvent of the stored record, at the mint's time", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const minted = await issuer.mint({ org: "acme", name: "deploy" });
    const stored = await issuer.store.getToken(minted.id);
    if (!stored) throw new Error("the minted token has no record");
    const entries = await issuer.store.readAudit({ count: 100 });
    const appended = entries.find((entry) => entry.type === "token.minted");
    const { id: _id, ...event } = appended ?? { id: "" };
    expect(event).toEqual({
      ...mintedEvent(stored.record, { actor: `client:${CLIENT.id}`, state: "active", kind: "pat" }),
      at: stored.record.created,
    });
    expect(event).toMatchObject({
      type: "token.minted",
      actor: `client:${CLIENT.id}`,
      jti: minted.id,
      sub: stored.record.sub,
      org: "acme",
      reason: "mint",
      detail: { family: minted.id, kid: stored.record.kid, state: "active", kind: "pat" },
    });
  });
});
