/** @jsxImportSource hono/jsx */
/**
 * The token-management page at `/ui`: sign in with a `manage_tokens` token (see `session.ts`),
 * create a token and see it once, list (active or all), rotate and revoke, each after a
 * confirmation. Every action calls the same domain functions as the API (`issueToken`,
 * `rotateToken`, `changeTokenState`, `findManagedToken`), as the signed-in token's self-service.
 *
 * Headers: a CSP with a per-request nonce for the one inline script and stylesheet
 * (`default-src 'none'`, `form-action 'self'`, `frame-ancestors 'none'`), `X-Frame-Options: DENY`,
 * `Cache-Control: no-store` on every page. Form posts pass two CSRF checks: hono's origin check
 * (`Origin` or `Sec-Fetch-Site`) and the session's secret in every form.
 * @module
 */
import { TokenVerificationFailed } from "@tokenmint/verifier";
import { type Context, Hono } from "hono";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { epochSeconds } from "../clock.js";
import type { Config } from "../config/config.js";
import { DEFAULT_TOKEN_KIND, selfServiceKinds, type TokenKind } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { Forbidden, TokenmintError } from "../errors.js";
import { MANAGE_TOKENS, requireManagement } from "../http/authenticate.js";
import { actorOf, findManagedToken, mintActorOf } from "../http/routes/token-access.js";
import type { TokenRecord } from "../store/types.js";
import { inspectToken, TokenPendingApproval } from "../tokens/inspect-token.js";
import { issueToken } from "../tokens/issue-token.js";
import { lifetimeFor } from "../tokens/policy.js";
import { rotateToken } from "../tokens/rotate-token.js";
import { changeTokenState } from "../tokens/token-state.js";
import { isoTime, tokenView } from "../tokens/token-view.js";
import {
  type CreateFormValues,
  checkMintRequest,
  createFormValues,
  expiryBounds,
  expiryFromDate,
  type FieldErrors,
  fieldOfRefusal,
  isOrg,
} from "./create-form.js";
import { DashboardPage, type TokenFilter } from "./dashboard-page.js";
import {
  ConfirmRevokePage,
  ConfirmRotatePage,
  NewTokenPage,
  type PageContext,
  SignInPage,
} from "./pages.js";
import { type SignedIn, sessionCookies } from "./session.js";

type UiEnv = { Variables: { secureHeadersNonce?: string } };
type Form = Record<string, string | File | (string | File)[]>;

/** What the signed-in page shows besides the list: a notice, an error, the form as typed. */
interface Notes {
  readonly error?: string;
  readonly status?: string;
  readonly values?: CreateFormValues;
  readonly errors?: FieldErrors;
}

/** The mint request a create form asks for, as the signed-in token's narrower child. */
function mintRequestFrom(
  values: CreateFormValues,
  parent: TokenRecord,
  expiresAt: string | undefined,
): unknown {
  const permissions = parent.permissions
    ? Object.fromEntries(
        Object.entries(parent.permissions)
          .filter(([permission]) => values.scope.includes(permission))
          .map(([permission, ids]) => [permission, [...ids]]),
      )
    : undefined;
  const description = values.description.trim() === "" ? undefined : values.description.trim();
  const org = parent.org ?? (values.org === "" ? undefined : values.org);
  return {
    subject: parent.sub,
    name: values.name,
    ...(description === undefined ? {} : { description }),
    scope: [...values.scope],
    ...(permissions && Object.keys(permissions).length > 0 ? { permissions } : {}),
    ...(org === undefined ? {} : { org }),
    ...(values.kind === "" ? {} : { kind: values.kind }),
    audience: [...parent.aud],
    ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
  };
}

/** The org whose lifetime policy bounds the new token: the parent's, else a well-formed typed one. */
function orgOf(parent: TokenRecord, values: CreateFormValues | undefined): string | undefined {
  if (parent.org !== undefined) return parent.org;
  return values !== undefined && isOrg(values.org) ? values.org : undefined;
}

/**
 * The kinds the form offers: every self-service kind when the signed-in token is of one (the rule
 * for power lets it move between them), else its own kind only.
 */
function offeredKinds(config: Config, parent: TokenRecord): string[] {
  const own = parent.kind ?? DEFAULT_TOKEN_KIND;
  const selfService = selfServiceKinds(config.kinds);
  return selfService.has(own) ? [...selfService] : [own];
}

/** The kind whose lifetime policy bounds the new token: the chosen one if known, else the parent's. */
function kindOf(
  config: Config,
  parent: TokenRecord,
  values: CreateFormValues | undefined,
): TokenKind | undefined {
  return (
    (values?.kind ? config.kinds.get(values.kind) : undefined) ??
    config.kinds.get(parent.kind ?? DEFAULT_TOKEN_KIND)
  );
}

/** Builds the `/ui` routes. */
export function uiRoutes(ctx: IssuerContext) {
  const routes = new Hono<UiEnv>();
  const sessions = sessionCookies(ctx);
  const issuerOrigin = new URL(ctx.config.issuer).origin;
  const { tokenPrefix } = ctx.config;

  routes.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [(c) => `'nonce-${nonceOf(c)}'`],
        styleSrc: [(c) => `'nonce-${nonceOf(c)}'`],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: "DENY",
      crossOriginResourcePolicy: "same-origin",
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    }),
  );
  routes.use(async function noStore(c, next) {
    await next();
    c.header("Cache-Control", "no-store");
  });
  routes.use(
    csrf({
      origin: (origin, c) => origin === issuerOrigin || origin === new URL(c.req.url).origin,
    }),
  );

  const pageOf = (c: Context<UiEnv>, signed?: SignedIn): PageContext => ({
    nonce: nonceOf(c),
    prefix: tokenPrefix,
    ...(signed ? { subject: signed.session.sub, csrf: signed.session.csrf } : {}),
  });

  async function dashboard(
    c: Context<UiEnv>,
    signed: SignedIn,
    notes: Notes = {},
    status: ContentfulStatusCode = 200,
  ) {
    const parent = signed.caller.stored.record;
    const now = epochSeconds(ctx.clock);
    const policy = lifetimeFor(
      ctx.config,
      orgOf(parent, notes.values),
      kindOf(ctx.config, parent, notes.values),
    );
    const show: TokenFilter = c.req.query("show") === "all" ? "all" : "active";
    // Newest first, as people look for the token they just made.
    const tokens = (await ctx.store.listTokens(parent.sub))
      .map(tokenView)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    return c.html(
      <DashboardPage
        page={pageOf(c, signed)}
        tokens={tokens}
        now={now}
        show={show}
        scopes={parent.scope.map((name) => ({
          name,
          description: ctx.config.scopeDescriptions.get(name),
        }))}
        org={parent.org ?? null}
        kinds={offeredKinds(ctx.config, parent)}
        showKind={ctx.config.kinds.size > 1}
        expiry={expiryBounds(policy, parent.exp, now)}
        sessionTokenId={parent.id}
        {...notes}
      />,
      status,
    );
  }

  /** Runs a signed-in form post: the session must be live and the CSRF value its own. */
  function action(
    run: (c: Context<UiEnv>, signed: SignedIn, form: Form) => Promise<Response>,
  ): (c: Context<UiEnv>) => Promise<Response> {
    return async function signedInAction(c) {
      const signed = await sessions.resume(c);
      if (!signed) return c.redirect("/ui", 303);
      const form = (await c.req.parseBody({ all: true })) as Form;
      if (!(await sessions.checkCsrf(signed.session, form.csrf))) {
        throw new Forbidden("csrf_failed", "The form is stale; reload the page");
      }
      try {
        return await run(c, signed, form);
      } catch (error) {
        if (!(error instanceof TokenmintError) || error.status >= 500) throw error;
        return dashboard(c, signed, { error: error.message }, error.status as ContentfulStatusCode);
      }
    };
  }

  routes.get("/", async (c) => {
    const signed = await sessions.resume(c);
    if (!signed) return c.html(<SignInPage page={pageOf(c)} />);
    const done = c.req.query("done");
    return dashboard(c, signed, done === "revoked" ? { status: "Token revoked." } : {});
  });

  routes.post("/sign-in", async (c) => {
    const form = (await c.req.parseBody()) as Form;
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const refuse = (error: string, status: 401 | 403) =>
      c.html(<SignInPage page={pageOf(c)} error={error} />, status);
    let inspected: Awaited<ReturnType<typeof inspectToken>>;
    try {
      inspected = await inspectToken(ctx, token, {
        ip: ctx.clientIp?.(c),
        purpose: "web_sign_in",
        fromClient: true,
      });
    } catch (error) {
      if (error instanceof TokenPendingApproval) {
        return refuse("That token is waiting for its organization's approval.", 401);
      }
      if (error instanceof TokenVerificationFailed && error.status === 401) {
        return refuse("That token is not valid: it may be expired, revoked or mistyped.", 401);
      }
      if (error instanceof Forbidden && error.code === "ip_not_allowed") {
        return refuse("That token may not be used from this network.", 403);
      }
      throw error;
    }
    try {
      requireManagement({ kind: "user", token, ...inspected });
    } catch {
      return refuse(`That token lacks the ${MANAGE_TOKENS} scope.`, 403);
    }
    const { record } = inspected.stored;
    await sessions.start(c, record.id, record.sub, record.exp);
    ctx.logger.info("ui.signed_in", { jti: record.id, sub: record.sub });
    return c.redirect("/ui", 303);
  });

  routes.post(
    "/sign-out",
    action(async (c) => {
      sessions.end(c);
      return c.redirect("/ui", 303);
    }),
  );

  routes.post(
    "/tokens",
    action(async (c, signed, form) => {
      const values = createFormValues(form);
      const parent = signed.caller.stored.record;
      const policy = lifetimeFor(
        ctx.config,
        orgOf(parent, values),
        kindOf(ctx.config, parent, values),
      );
      const bounds = expiryBounds(policy, parent.exp, epochSeconds(ctx.clock));
      const expiry = expiryFromDate(values.expires_on, bounds);
      const expiresAt = "expires_at" in expiry ? expiry.expires_at : undefined;
      const checked = checkMintRequest(mintRequestFrom(values, parent, expiresAt));
      if ("errors" in checked || "error" in expiry) {
        const errors: FieldErrors = {
          ...("errors" in checked ? checked.errors : {}),
          ...("error" in expiry ? { expires_on: expiry.error } : {}),
        };
        return dashboard(c, signed, { values, errors }, 400);
      }
      let issued: Awaited<ReturnType<typeof issueToken>>;
      try {
        issued = await issueToken(ctx, checked.request, mintActorOf(signed.caller), {
          reason: "self_service",
        });
      } catch (error) {
        if (!(error instanceof TokenmintError) || error.status >= 500) throw error;
        // The domain refused: its reason goes next to the field it concerns, the form kept.
        const errors: FieldErrors = { [fieldOfRefusal(error.code)]: error.message };
        return dashboard(c, signed, { values, errors }, error.status as ContentfulStatusCode);
      }
      return c.html(
        <NewTokenPage
          page={pageOf(c, signed)}
          token={issued.token}
          view={tokenView(issued.stored)}
        />,
      );
    }),
  );

  routes.get("/tokens/:id/rotate", async (c) => {
    const signed = await sessions.resume(c);
    if (!signed) return c.redirect("/ui", 303);
    try {
      const stored = await findManagedToken(ctx, signed.caller, c.req.param("id") ?? "");
      if (stored.state !== "active") {
        return dashboard(
          c,
          signed,
          { error: `The token is ${stored.state} and cannot be rotated.` },
          409,
        );
      }
      const { record } = stored;
      // The successor keeps the lifetime this token was issued with, counted from now.
      const newExpiry =
        record.exp === null
          ? null
          : isoTime(epochSeconds(ctx.clock) + (record.exp - record.created));
      return c.html(
        <ConfirmRotatePage
          page={pageOf(c, signed)}
          view={tokenView(stored)}
          self={record.id === signed.session.jti}
          newExpiry={newExpiry}
        />,
      );
    } catch (error) {
      if (!(error instanceof TokenmintError) || error.status >= 500) throw error;
      return dashboard(c, signed, { error: error.message }, 404);
    }
  });

  routes.post(
    "/tokens/:id/rotate",
    action(async (c, signed, form) => {
      const id = c.req.param("id") ?? "";
      // Only the confirmation page's form rotates: a post from anywhere else is asked first.
      if (form.confirm !== "rotate") {
        return c.redirect(`/ui/tokens/${encodeURIComponent(id)}/rotate`, 303);
      }
      const old = await findManagedToken(ctx, signed.caller, id);
      const issued = await rotateToken(ctx, old, mintActorOf(signed.caller));
      let current = signed;
      if (old.record.id === signed.session.jti) {
        // The session's own token was rotated: the session follows its successor.
        const { record } = issued.stored;
        const session = await sessions.start(c, record.id, record.sub, record.exp);
        current = { session, caller: { ...signed.caller, stored: issued.stored } };
      }
      return c.html(
        <NewTokenPage
          page={pageOf(c, current)}
          token={issued.token}
          view={tokenView(issued.stored)}
          rotatedFrom={old.record.id}
        />,
      );
    }),
  );

  routes.get("/tokens/:id/revoke", async (c) => {
    const signed = await sessions.resume(c);
    if (!signed) return c.redirect("/ui", 303);
    try {
      const stored = await findManagedToken(ctx, signed.caller, c.req.param("id") ?? "");
      return c.html(
        <ConfirmRevokePage
          page={pageOf(c, signed)}
          view={tokenView(stored)}
          self={stored.record.id === signed.session.jti}
        />,
      );
    } catch (error) {
      if (!(error instanceof TokenmintError) || error.status >= 500) throw error;
      return dashboard(c, signed, { error: error.message }, 404);
    }
  });

  routes.post(
    "/tokens/:id/revoke",
    action(async (c, signed) => {
      const stored = await findManagedToken(ctx, signed.caller, c.req.param("id") ?? "");
      if (stored.state !== "revoked") {
        await changeTokenState(ctx, stored, "revoked", {
          actor: actorOf(signed.caller),
          reason: "web_ui",
        });
      }
      if (stored.record.id === signed.session.jti) sessions.end(c);
      return c.redirect("/ui?done=revoked", 303);
    }),
  );

  return routes;
}

function nonceOf(c: Context): string {
  const existing = c.get("secureHeadersNonce") as string | undefined;
  if (existing) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const nonce = btoa(String.fromCharCode(...bytes));
  c.set("secureHeadersNonce", nonce);
  return nonce;
}
