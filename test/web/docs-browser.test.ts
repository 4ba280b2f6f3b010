/**
 * `/docs` in a real headless Chromium (Debian's `chromium`, driven by `playwright-core`) against
 * the real Node server, with every request to another origin aborted: the reference must render
 * the operations from the issuer's own assets alone (no CDN, no font or telemetry host), with no
 * CSP violation. On failure a screenshot lands in a temp directory named in the error.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import type { OpenApiDocument } from "../../src/openapi/document.js";

const CHROMIUM = "/usr/bin/chromium";

/** Operations whose summaries must be visible once the reference has rendered. */
const SHOWN = ["getJwks", "mintToken", "getOpenApi"];

describe.skipIf(!existsSync(CHROMIUM))("/docs in Chromium with the network cut off", () => {
  let issuer: RunningIssuer;
  let context: BrowserContext;
  let profile: string;
  let keys: string;

  beforeAll(async () => {
    keys = mkdtempSync(join(tmpdir(), "tm-docs-keys-"));
    issuer = await startServer({
      config: parseConfig({
        PORT: "0",
        TOKENMINT_CLIENTS: "svc:svc-secret-0123456789abcdef",
        TOKENMINT_KEK: randomBytes(32).toString("base64url"),
        TOKENMINT_ISSUER: "http://issuer.test",
      }),
      logger: createJsonLogger(() => {}),
      keysDirectory: keys,
    });
    // The first request loads the 4.8 MB script module (slow under vitest's transform): not timed.
    expect((await fetch(`${issuer.url}/docs/api-reference.js`)).status).toBe(200);
    profile = mkdtempSync(join(tmpdir(), "tm-docs-chromium-"));
    // A fresh profile directory: no cached script from any earlier run.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 860 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await issuer?.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(keys, { recursive: true, force: true });
  });

  /** Runs `check` on a new page; on failure, screenshots the page and names the file. */
  async function onPage(check: (page: Page) => Promise<void>): Promise<void> {
    const page = await context.newPage();
    try {
      await check(page);
    } catch (error) {
      const shot = join(mkdtempSync(join(tmpdir(), "tm-docs-failure-")), "docs.png");
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      throw new Error(`${(error as Error).message}\n(screenshot: ${shot})`, { cause: error });
    } finally {
      await page.close();
    }
  }

  it("renders the operations from the issuer's own assets alone", async () => {
    const origin = new URL(issuer.url).origin;
    const elsewhere: string[] = [];
    // Anything not for the issuer is aborted and recorded: the page must not need it.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });
    const document = (await (await fetch(`${issuer.url}/openapi.json`)).json()) as OpenApiDocument;
    const summaries = Object.values(document.paths)
      .flatMap((item) => Object.values(item) as { operationId?: string; summary?: string }[])
      .filter((operation) => SHOWN.includes(operation.operationId ?? ""))
      .map((operation) => operation.summary ?? "");
    expect(summaries).toHaveLength(SHOWN.length);

    await onPage(async (page) => {
      const problems: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));

      const response = await page.goto(`${issuer.url}/docs`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toContain("script-src 'self';");
      for (const summary of summaries) {
        await page
          .getByText(summary, { exact: true })
          .first()
          .waitFor({ state: "visible", timeout: 20_000 });
      }
      expect(problems).toEqual([]);
      expect(elsewhere).toEqual([]);
    });
  }, 60_000);
});
