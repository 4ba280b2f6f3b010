import { describe, expect, it } from "vitest";
import { basic, bearer, createTestIssuer, OTHER_CLIENT, STORE_KINDS } from "../helpers/issuer.js";

describe.each(STORE_KINDS)("managing tokens on the %s store", (kind) => {
  it("lets a user list, show and revoke only their own tokens, never seeing a secret", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const manager = await issuer.mint({ name: "manager" });
    const second = await issuer.mint({ name: "second", scope: ["read_api"] });
    const bobs = await issuer.mint({ subject: "bob", name: "bob's" });

    const list = await issuer.request("/v1/tokens", { headers: bearer(manager.token) });
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { tokens: Array<Record<string, unknown>> };
    expect(listed.tokens.map((t) => t.name).sort()).toEqual(["manager", "second"]);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(manager.token.slice(6));
    expect(text).not.toContain('token":');
    const shownManager = listed.tokens.find((t) => t.name === "manager");
    expect(shownManager?.last_used_at).toBe(new Date(issuer.clock()).toISOString());

    const show = await issuer.request(`/v1/tokens/${second.id}`, {
      headers: bearer(manager.token),
    });
    expect(show.status).toBe(200);
    expect(await show.json()).toMatchObject({
      id: second.id,
      name: "second",
      scope: ["read_api"],
      state: "active",
    });

    const foreign = await issuer.request(`/v1/tokens/${bobs.id}`, {
      headers: bearer(manager.token),
    });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type")).toBe("application/problem+json");
    const foreignDelete = await issuer.request(`/v1/tokens/${bobs.id}`, {
      method: "DELETE",
      headers: bearer(manager.token),
    });
    expect(foreignDelete.status).toBe(404);
    expect((await issuer.store.getToken(bobs.id))?.state).toBe("active");

    const revoke = await issuer.request(`/v1/tokens/${second.id}`, {
      method: "DELETE",
      headers: bearer(manager.token),
    });
    expect(revoke.status).toBe(204);
    expect((await issuer.store.getToken(second.id))?.state).toBe("revoked");
    const afterRevoke = await issuer.request("/v1/tokens", { headers: bearer(second.token) });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("needs manage_tokens to manage other tokens, but any live token can revoke itself", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const plain = await issuer.mint({ scope: ["read_api"] });
    const list = await issuer.request("/v1/tokens", { headers: bearer(plain.token) });
    expect(list.status).toBe(403);
    expect(await list.json()).toMatchObject({ code: "insufficient_scope", status: 403 });

    const self = await issuer.request("/v1/tokens/self", { headers: bearer(plain.token) });
    expect(self.status).toBe(200);
    expect(await self.json()).toMatchObject({ id: plain.id });

    const revoke = await issuer.request("/v1/tokens/self", {
      method: "DELETE",
      headers: bearer(plain.token),
    });
    expect(revoke.status).toBe(204);
    const again = await issuer.request("/v1/tokens/self", {
      method: "DELETE",
      headers: bearer(plain.token),
    });
    expect(again.status).toBe(401);
  });

  it("lets a service client list a subject's tokens and revoke any of them", async () => {
    const issuer = await createTestIssuer({ store: kind });
    const token = await issuer.mint({ subject: "carol" });
    const list = await issuer.request("/v1/tokens?subject=carol", {
      headers: { authorization: basic(OTHER_CLIENT.id, OTHER_CLIENT.secret) },
    });
    expect(((await list.json()) as { tokens: unknown[] }).tokens).toHaveLength(1);
    const noSubject = await issuer.request("/v1/tokens", {
      headers: { authorization: issuer.clientAuth },
    });
    expect(noSubject.status).toBe(400);
    const revoke = await issuer.request(`/v1/tokens/${token.id}`, {
      method: "DELETE",
      headers: { authorization: issuer.clientAuth },
    });
    expect(revoke.status).toBe(204);
    expect((await issuer.store.getToken(token.id))?.state).toBe("revoked");
  });
});
