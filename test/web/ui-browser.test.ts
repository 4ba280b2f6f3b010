/**
 * The token-management page in a real headless Chromium (Debian's `chromium`, driven by
 * `playwright-core`; no browser is downloaded) against the real Node server: sign in, scope
 * descriptions, the bounded expiry date picker, create and copy, local times, per-field errors
 * that keep the form, the created column and the active / all filter, rotation and revocation
 * each after a confirmation, and a 390 px wide screen without horizontal scrolling. No CSP
 * violation may occur on any page. On failure a screenshot lands in a temp directory named in the
 * error; a few deliberate screenshots go to `test-artifacts/`.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SCOPE_DESCRIPTIONS, parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";

const CHROMIUM = "/usr/bin/chromium";
const CLIENT = "svc:svc-secret-0123456789abcdef";
const BASIC = `Basic ${btoa(CLIENT)}`;
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const DAY = 86400;
/** A zone with a half-hour offset, so a local time cannot pass for UTC by accident. */
const ZONE = "Asia/Kolkata";

interface Minted {
  readonly id: string;
  readonly token: string;
  readonly expires_at: string;
}

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// A browser step can wait seconds for a CPU shared with the rest of the suite (the /docs test loads
// a 4.8 MB script beside it): time limits per step stay in the assertions, not in the test clock.
describe.skipIf(!existsSync(CHROMIUM))(
  "the token-management page in Chromium",
  { timeout: 60_000 },
  () => {
    let issuer: RunningIssuer;
    let context: BrowserContext;
    let profile: string;
    let keys: string;
    const logs: string[] = [];

    beforeAll(async () => {
      keys = mkdtempSync(join(tmpdir(), "tm-ui-keys-"));
      issuer = await startServer({
        config: parseConfig({
          PORT: "0",
          TOKENMINT_CLIENTS: CLIENT,
          TOKENMINT_KEK: randomBytes(32).toString("base64url"),
          TOKENMINT_ISSUER: "http://issuer.test",
        }),
        logger: createJsonLogger((line) => logs.push(line)),
        keysDirectory: keys,
      });
      profile = mkdtempSync(join(tmpdir(), "tm-chromium-"));
      // A fresh profile directory: no state from any earlier run.
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        viewport: { width: 1280, height: 860 },
        timezoneId: ZONE,
        locale: "en-US",
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
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: issuer.url });
      mkdirSync(ARTIFACTS, { recursive: true });
    });

    afterAll(async () => {
      await context?.close();
      await issuer?.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
    });

    async function mint(body: Record<string, unknown>): Promise<Minted> {
      const response = await fetch(`${issuer.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: BASIC, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as Minted;
    }

    /**
     * A token of `subject` that can sign in to the page, living an hour short of 30 days, so the
     * page's 30-day choice always lies beyond it (however fast the page opens after the mint).
     */
    const mintManager = (subject: string) =>
      mint({
        subject,
        name: "admin laptop",
        scope: ["read_api", "read_project", "manage_tokens"],
        expires_in: 30 * DAY - 3600,
      });

    const statusWith = async (token: string) =>
      (
        await fetch(`${issuer.url}/v1/tokens/self`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).status;

    const statesOf = async (subject: string, name: string) => {
      const response = await fetch(`${issuer.url}/v1/tokens?subject=${subject}`, {
        headers: { authorization: BASIC },
      });
      const { tokens } = (await response.json()) as { tokens: { name: string; state: string }[] };
      return tokens
        .filter((t) => t.name === name)
        .map((t) => t.state)
        .sort();
    };

    /**
     * Runs `check` on a new page signed in as a fresh manager of `subject`; fails on any CSP
     * violation or script error; on failure, screenshots the page and names the file.
     */
    async function onPage(
      subject: string,
      check: (page: Page, manager: Minted) => Promise<void>,
    ): Promise<void> {
      const manager = await mintManager(subject);
      // The previous test's session would skip the sign-in form.
      await context.clearCookies();
      const page = await context.newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      page.on("pageerror", (error) => violations.push(error.message));
      try {
        await page.goto(`${issuer.url}/ui`);
        await page.fill("#token", manager.token);
        await Promise.all([page.waitForURL(`${issuer.url}/ui`), page.click("button[type=submit]")]);
        await expect(page.textContent("header")).resolves.toContain(subject);
        await check(page, manager);
        expect(violations).toEqual([]);
      } catch (error) {
        const shot = join(mkdtempSync(join(tmpdir(), "tm-ui-failure-")), `${subject}.png`);
        await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
        throw new Error(`${(error as Error).message}\n(screenshot: ${shot})`, { cause: error });
      } finally {
        await page.close();
      }
    }

    it("keeps the session in an HttpOnly cookie without the token", async () => {
      await onPage("carol", async (_page, manager) => {
        const cookies = await context.cookies();
        expect(cookies).toHaveLength(1);
        expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/ui" });
        expect(cookies[0]?.value).not.toContain(manager.token.slice(6, 40));
      });
    });

    it("describes each scope next to its checkbox", async () => {
      await onPage("dave", async (page) => {
        for (const scope of ["read_api", "read_project", "manage_tokens"]) {
          const description = page.locator(`label.scope:has(input[value=${scope}]) .scope-desc`);
          await expect(description.textContent()).resolves.toBe(DEFAULT_SCOPE_DESCRIPTIONS[scope]);
          expect(await description.isVisible()).toBe(true);
        }
      });
    });

    it("bounds the expiry date by the policy and by the token signed in with", async () => {
      await onPage("erin", async (page, manager) => {
        const picker = page.locator("#expires_on");
        // Policy: at least 5 minutes; the signed-in token (~30 days) ends before the policy's 365.
        await expect(picker.getAttribute("min")).resolves.toBe(dateOf(Date.now() + 300_000));
        await expect(picker.getAttribute("max")).resolves.toBe(manager.expires_at.slice(0, 10));
        await expect(picker.inputValue()).resolves.toBe(manager.expires_at.slice(0, 10));
        await expect(page.locator("button.chip:has-text('30 days')").count()).resolves.toBe(0);
        await page.click("button.chip:has-text('7 days')");
        await expect(picker.inputValue()).resolves.toBe(dateOf(Date.now() + 7 * DAY * 1000));
        await expect(
          page.getAttribute("button.chip:has-text('7 days')", "aria-pressed"),
        ).resolves.toBe("true");
        await page.click("button.chip:has-text('Until your sign-in token expires')");
        await expect(picker.inputValue()).resolves.toBe(manager.expires_at.slice(0, 10));
      });
    });

    it("creates a token, shows it once with local times, and copies it", async () => {
      await onPage("alice", async (page) => {
        await page.fill("#name", "ci deploy");
        await page.fill("#description", "deploys from CI");
        await page.check("input[name=scope][value=read_api]");
        await page.click("button.chip:has-text('7 days')");
        const [created] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith("/ui/tokens")),
          page.click("#create-form button[type=submit]"),
        ]);
        expect(created.headers()["cache-control"]).toBe("no-store");
        const token = await page.inputValue("#new-token");
        expect(token).toMatch(/^tmpat_ey/);

        // Local time: the reader's zone, not the server's UTC text (kept as the title).
        const expires = page.locator("#expires-at time");
        const iso = (await expires.getAttribute("datetime")) ?? "";
        expect(iso.slice(0, 10)).toBe(dateOf(Date.now() + 7 * DAY * 1000));
        const shown = (await expires.textContent()) ?? "";
        expect(shown).toMatch(/GMT\+5:30/);
        expect(shown).not.toContain("UTC");
        await expect(expires.getAttribute("title")).resolves.toMatch(/ UTC$/);
        const expected = await page.evaluate(
          (at) =>
            new Intl.DateTimeFormat(undefined, {
              year: "numeric",
              month: "short",
              day: "numeric",
              hour: "2-digit",
              minute: "2-digit",
              timeZoneName: "short",
            }).format(new Date(at)),
          iso,
        );
        expect(shown).toBe(expected);
        await expect(page.locator("#created-at time").textContent()).resolves.toMatch(/GMT\+5:30/);
        await page.screenshot({ path: join(ARTIFACTS, "ui-new-token.png"), fullPage: true });

        await page.click("#copy-button");
        await page.waitForSelector("#copy-button:has-text('Copied')");
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
        expect(await statusWith(token)).toBe(200);

        await page.click("text=Done");
        const row = page.locator("tr", { hasText: "ci deploy" });
        await expect(row.textContent()).resolves.toContain("read_api");
        expect(await page.content()).not.toContain(token);
        expect(logs.join("\n")).not.toContain(token.slice(6, 60));
      });
    });

    it("shows a bad form's error next to the field and keeps what was typed", async () => {
      await onPage("frank", async (page) => {
        await page.fill("#name", "nightly backup");
        await page.fill("#description", "no scope chosen");
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith("/ui/tokens")),
          page.click("#create-form button[type=submit]"),
        ]);
        const error = page.locator("fieldset.scopes #scope-error");
        await expect(error.textContent()).resolves.toBe("Choose at least one scope.");
        expect(await error.isVisible()).toBe(true);
        await expect(page.inputValue("#name")).resolves.toBe("nightly backup");
        await expect(page.inputValue("#description")).resolves.toBe("no scope chosen");
        expect(await page.textContent("body")).not.toMatch(/Invalid input|expected/);
        await expect(page.getAttribute("fieldset.scopes", "aria-describedby")).resolves.toBe(
          "scope-error",
        );
        await page.screenshot({ path: join(ARTIFACTS, "ui-form-error.png"), fullPage: true });
      });
    });

    it("lists when each token was created, and hides ended tokens unless All is chosen", async () => {
      await onPage("grace", async (page) => {
        const kept = await mint({ subject: "grace", name: "kept", scope: ["read_api"] });
        const ended = await mint({ subject: "grace", name: "gone", scope: ["read_api"] });
        await fetch(`${issuer.url}/v1/tokens/self`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${ended.token}` },
        });
        await page.reload();
        const headers = await page.locator("#tokens th").allTextContents();
        expect(headers).toContain("Created");
        expect(headers).not.toContain("Token");
        const created = page.locator(`tr[data-token-id="${kept.id}"] td.created time`);
        await expect(created.textContent()).resolves.toMatch(/GMT\+5:30/);
        await expect(
          page.locator(`tr[data-token-id="${kept.id}"]`).textContent(),
        ).resolves.toContain(kept.id);
        expect(await page.locator(`tr[data-token-id="${ended.id}"]`).count()).toBe(0);
        expect(await page.textContent("body")).not.toContain("tmpat_");

        await page.click("#filter-all");
        await page.waitForURL(`${issuer.url}/ui?show=all`);
        await expect(
          page.locator(`tr[data-token-id="${ended.id}"] .state`).textContent(),
        ).resolves.toBe("revoked");
        await page.click("#filter-active");
        await page.waitForURL(`${issuer.url}/ui`);
        expect(await page.locator(`tr[data-token-id="${ended.id}"]`).count()).toBe(0);
      });
    });

    it("asks before rotating, and only the confirmed post rotates", async () => {
      await onPage("heidi", async (page) => {
        // No longer-lived than the session's token, which may rotate only what is no wider.
        const child = await mint({
          subject: "heidi",
          name: "ci",
          scope: ["read_api"],
          expires_in: 7 * DAY,
        });
        const rotations: string[] = [];
        page.on("request", (request) => {
          if (request.method() === "POST" && request.url().endsWith("/rotate")) {
            rotations.push(request.url());
          }
        });
        await page.reload();
        const rotate = () =>
          page.locator(`tr[data-token-id="${child.id}"]`).getByText("Rotate…").click();

        await rotate();
        await expect(page.textContent("h2")).resolves.toBe("Rotate “ci”?");
        await expect(page.textContent("main")).resolves.toContain(
          "The old token stops working at once",
        );
        expect(rotations).toEqual([]);
        expect(await statesOf("heidi", "ci")).toEqual(["active"]);
        await page.click("text=Cancel");
        await page.waitForURL(`${issuer.url}/ui`);
        expect(await statusWith(child.token)).toBe(200);

        await rotate();
        await page.click("#confirm-rotate");
        await page.waitForSelector("#new-token");
        await expect(page.textContent("h2")).resolves.toBe("Token rotated");
        expect(rotations).toHaveLength(1);
        const rotated = await page.inputValue("#new-token");
        expect(await statusWith(rotated)).toBe(200);
        // (Presenting the old one now would be reuse and revoke the family: ask as the client.)
        expect(await statesOf("heidi", "ci")).toEqual(["active", "rotated"]);
      });
    });

    it("revokes after a confirmation", async () => {
      await onPage("ivan", async (page, manager) => {
        const child = await mint({ subject: "ivan", name: "old laptop", scope: ["read_api"] });
        await page.reload();
        await page.locator(`tr[data-token-id="${child.id}"]`).getByText("Revoke…").click();
        await expect(page.textContent("h2")).resolves.toContain("Revoke “old laptop”?");
        await page.click("#confirm-revoke");
        await expect(page.textContent(".notice")).resolves.toBe("Token revoked.");
        expect(await statusWith(child.token)).toBe(401);
        expect(await page.locator(`tr[data-token-id="${child.id}"]`).count()).toBe(0);
        expect(await statusWith(manager.token)).toBe(200);
      });
    });

    it("fits a 390 px wide screen without scrolling sideways", async () => {
      await onPage("judy", async (page) => {
        for (const name of ["deploy-production-eu-west-1-kubernetes", "laptop", "ci"]) {
          await mint({
            subject: "judy",
            name,
            description:
              "A long description that wraps on a small screen instead of overflowing it",
            scope: ["read_api", "read_project"],
          });
        }
        await page.setViewportSize({ width: 390, height: 844 });
        const widths: Record<string, number> = {};
        const measure = async (what: string) => {
          widths[what] = await page.evaluate(() => document.documentElement.scrollWidth);
        };
        await page.reload();
        await measure("list");
        await page.screenshot({ path: join(ARTIFACTS, "ui-390.png"), fullPage: true });
        await page.locator("tr", { hasText: "deploy-production" }).getByText("Rotate…").click();
        await measure("confirm rotate");
        await page.click("text=Cancel");
        await page.fill("#name", "phone");
        await page.check("input[name=scope][value=read_api]");
        await page.click("#create-form button[type=submit]");
        await page.waitForSelector("#new-token");
        await measure("new token");
        await page.screenshot({ path: join(ARTIFACTS, "ui-390-new-token.png"), fullPage: true });
        for (const [what, width] of Object.entries(widths)) {
          expect(width, `${what} scrolls sideways`).toBeLessThanOrEqual(390);
        }
      });
    });
  },
);
