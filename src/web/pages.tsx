/** @jsxImportSource hono/jsx */
/**
 * The small pages of the token-management UI, server-rendered with `hono/jsx`: sign-in, the
 * one-time display of a new token, and the confirmations before rotating and revoking. The list
 * and create form are in `dashboard-page.tsx`.
 * @module
 */
import type { TokenView } from "../tokens/token-view.js";
import { Csrf, Layout, type PageContext, When } from "./layout.js";

export type { PageContext } from "./layout.js";

/** The sign-in page. */
export function SignInPage(props: { page: PageContext; error?: string }) {
  return (
    <Layout page={props.page} title="Sign in">
      <section class="card narrow">
        <h2>Sign in with a token</h2>
        <p class="muted">
          Paste one of your tokens that has the <code>manage_tokens</code> scope. It is checked once
          and not kept: the session only remembers which token it was, and ends when that token is
          revoked, rotated or expires.
        </p>
        {props.error ? <p class="error">{props.error}</p> : null}
        <form method="post" action="/ui/sign-in">
          <div class="field">
            <label for="token">Token</label>
            <input
              type="password"
              id="token"
              name="token"
              required
              autocomplete="off"
              spellcheck={false}
              placeholder={`${props.page.prefix}…`}
            />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}

/** Shows a new token once, with a copy button. */
export function NewTokenPage(props: {
  page: PageContext;
  token: string;
  view: TokenView;
  rotatedFrom?: string;
}) {
  const { view } = props;
  return (
    <Layout page={props.page} title="New token">
      <section class="card">
        <h2>{props.rotatedFrom ? "Token rotated" : "Token created"}</h2>
        <p class="notice" id="created-banner">
          Copy <strong>{view.name}</strong> now: it is shown only this once and stored nowhere.
          {props.rotatedFrom ? " The old token no longer works." : ""}
        </p>
        {view.state === "pending" ? (
          <p class="notice" id="pending-banner">
            This token is <strong>pending</strong>: the owners of {view.org ?? "its organization"}{" "}
            must approve it before it works. Until then every service refuses it as suspended.
          </p>
        ) : null}
        <div class="secret">
          <input type="text" id="new-token" value={props.token} readonly aria-label="New token" />
          <button type="button" data-copy="new-token" id="copy-button">
            Copy
          </button>
        </div>
        <dl class="facts">
          <dt>ID</dt>
          <dd>
            <code>{view.id}</code>
          </dd>
          <dt>Scopes</dt>
          <dd>{view.scope.join(", ")}</dd>
          <dt>Organization</dt>
          <dd>{view.org ?? "all"}</dd>
          <dt>Created</dt>
          <dd id="created-at">
            <When iso={view.created_at} none="" />
          </dd>
          <dt>Expires</dt>
          <dd id="expires-at">
            <When iso={view.expires_at} none="never" />
          </dd>
        </dl>
        <a class="button" href="/ui">
          Done
        </a>
      </section>
    </Layout>
  );
}

/** Asks before rotating: the old token stops working the moment the new one exists. */
export function ConfirmRotatePage(props: {
  page: PageContext;
  view: TokenView;
  self: boolean;
  /** When the successor would expire (it keeps the lifetime this token was issued with). */
  newExpiry: string | null;
}) {
  const { view } = props;
  return (
    <Layout page={props.page} title="Rotate token">
      <section class="card narrow">
        <h2>Rotate “{view.name}”?</h2>
        <p>
          A new token with the same name, scopes and organization replaces this one and is shown
          once. <strong>The old token stops working at once</strong>: everything that uses it fails
          until it is given the new one. If the old token is presented after that, it is taken for
          stolen and the new one is revoked too.
          {props.self ? " You signed in with this token; the session moves to the new one." : ""}
        </p>
        <p class="muted">
          The new token expires <When iso={props.newExpiry} none="never" />.
        </p>
        <form method="post" action={`/ui/tokens/${view.id}/rotate`}>
          <Csrf page={props.page} />
          <input type="hidden" name="confirm" value="rotate" />
          <button type="submit" id="confirm-rotate">
            Rotate token
          </button>{" "}
          <a class="button secondary" href="/ui">
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}

/** Asks before revoking. */
export function ConfirmRevokePage(props: { page: PageContext; view: TokenView; self: boolean }) {
  return (
    <Layout page={props.page} title="Revoke token">
      <section class="card narrow">
        <h2>Revoke “{props.view.name}”?</h2>
        <p>
          Everything that uses this token stops working
          {props.self ? ", and this session ends (you signed in with it)" : ""}. This cannot be
          undone.
        </p>
        <form method="post" action={`/ui/tokens/${props.view.id}/revoke`}>
          <Csrf page={props.page} />
          <button type="submit" class="danger" id="confirm-revoke">
            Revoke token
          </button>{" "}
          <a class="button secondary" href="/ui">
            Cancel
          </a>
        </form>
      </section>
    </Layout>
  );
}
