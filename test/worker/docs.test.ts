/**
 * `/docs` from the wrangler build in workerd: the page and the reference script it loads come
 * from the Worker bundle itself (embedded at install), with the same headers as on Node.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers.js";

describe("/docs on Workers", () => {
  it("serves the page and its script from the bundle, cached under a strong ETag", async () => {
    const page = await call(env.ISSUER, "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    const src = /<script src="([^"]+)"><\/script>/.exec(await page.text())?.[1];
    expect(src).toMatch(/^docs\/api-reference\.js\?v=/);

    const script = await call(env.ISSUER, `/${src}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = script.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"sha256-[\w-]{43}"$/);
    expect(await script.text()).toContain("createApiReference");

    const again = await call(env.ISSUER, "/docs/api-reference.js", {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });
});
