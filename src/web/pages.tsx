/** @jsxImportSource hono/jsx */
/**
 * The pages of the token-management UI, server-rendered with `hono/jsx`. Every form carries the
 * session's CSRF value; the only script and stylesheet are inline with the request's CSP nonce.
 * @module
 */
import type { Child } from "hono/jsx";
import type { TokenView } from "../tokens/token-view.js";
import { SCRIPT, STYLE } from "./assets.js";

/** What every page needs. */
export interface PageContext {
  readonly nonce: string;
  readonly prefix: string;
  /** The signed-in subject, when there is one. */
  readonly subject?: string;
  readonly csrf?: string;
}

function Layout(props: { page: PageContext; title: string; children: Child }) {
  const { page } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} · tokenmint`}</title>
        <style nonce={page.nonce} dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <header>
          <h1>tokenmint · access tokens</h1>
          {page.subject !== undefined && page.csrf !== undefined ? (
            <form method="post" action="/ui/sign-out">
              <span class="who">
                Signed in as <strong>{page.subject}</strong>{" "}
              </span>
              <input type="hidden" name="csrf" value={page.csrf} />
              <button type="submit" class="secondary">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        <main>{props.children}</main>
        <script nonce={page.nonce} dangerouslySetInnerHTML={{ __html: SCRIPT }} />
      </body>
    </html>
  );
}

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

/** Lifetimes offered when creating a token (seconds). */
export const LIFETIMES: readonly { readonly seconds: number; readonly label: string }[] = [
  { seconds: 86400, label: "1 day" },
  { seconds: 7 * 86400, label: "7 days" },
  { seconds: 30 * 86400, label: "30 days" },
  { seconds: 90 * 86400, label: "90 days" },
  { seconds: 365 * 86400, label: "1 year" },
];

function when(iso: string | null, none: string) {
  if (iso === null) return <span class="muted">{none}</span>;
  return <time datetime={iso}>{`${iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
}

function Csrf(props: { page: PageContext }) {
  return <input type="hidden" name="csrf" value={props.page.csrf ?? ""} />;
}

/** The signed-in page: create form and the list. */
export function DashboardPage(props: {
  page: PageContext;
  tokens: readonly TokenView[];
  scopes: readonly string[];
  org: string | null;
  lifetimes: typeof LIFETIMES;
  sessionTokenId: string;
  error?: string;
  status?: string;
}) {
  const { page } = props;
  return (
    <Layout page={page} title="Your tokens">
      {props.status ? <p class="notice">{props.status}</p> : null}
      {props.error ? <p class="error">{props.error}</p> : null}
      <section class="card">
        <h2>Create a token</h2>
        <form method="post" action="/ui/tokens" id="create-form">
          <Csrf page={page} />
          <div class="grid">
            <div class="field">
              <label for="name">Name</label>
              <input type="text" id="name" name="name" required maxlength={100} />
            </div>
            <div class="field">
              <label for="expires_in">Expires in</label>
              <select id="expires_in" name="expires_in">
                {props.lifetimes.map((lifetime, index) => (
                  <option
                    value={lifetime.seconds < 0 ? "parent" : String(lifetime.seconds)}
                    selected={index === 0}
                  >
                    {lifetime.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="org">
                Organization <span class="hint">(optional)</span>
              </label>
              {props.org === null ? (
                <input type="text" id="org" name="org" maxlength={256} />
              ) : (
                <input type="text" id="org" name="org" value={props.org} readonly />
              )}
            </div>
          </div>
          <div class="field">
            <label for="description">
              Description <span class="hint">(optional)</span>
            </label>
            <input type="text" id="description" name="description" maxlength={1000} />
          </div>
          <div class="field">
            <span class="hint">Scopes (at most those of the token you signed in with)</span>
            <div class="scopes">
              {props.scopes.map((scope) => (
                <label>
                  <input type="checkbox" name="scope" value={scope} /> <code>{scope}</code>
                </label>
              ))}
            </div>
          </div>
          <button type="submit">Create token</button>
        </form>
      </section>
      <section class="card">
        <h2>Your tokens</h2>
        {props.tokens.length === 0 ? (
          <p class="muted">No tokens yet.</p>
        ) : (
          <table id="tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Token</th>
                <th>Scopes</th>
                <th>Org</th>
                <th>Expires</th>
                <th>Last used</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {props.tokens.map((token) => (
                <tr data-token-id={token.id}>
                  <td>
                    <strong>{token.name}</strong>
                    {token.id === props.sessionTokenId ? (
                      <span class="hint"> (this session)</span>
                    ) : null}
                    {token.description ? <div class="desc">{token.description}</div> : null}
                  </td>
                  <td class="mono">{`${page.prefix}…`}</td>
                  <td>
                    {token.scope.map((scope) => (
                      <span class="tag">{scope}</span>
                    ))}
                  </td>
                  <td>{token.org ?? <span class="muted">all</span>}</td>
                  <td>{when(token.expires_at, "never")}</td>
                  <td>{when(token.last_used_at, "never")}</td>
                  <td>
                    <span class={`state state-${token.state}`}>{token.state}</span>
                  </td>
                  <td class="actions">
                    {token.state === "active" ? (
                      <>
                        <form method="post" action={`/ui/tokens/${token.id}/rotate`}>
                          <Csrf page={page} />
                          <button type="submit" class="secondary">
                            Rotate
                          </button>
                        </form>{" "}
                        <a class="button danger" href={`/ui/tokens/${token.id}/revoke`}>
                          Revoke…
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
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
  return (
    <Layout page={props.page} title="New token">
      <section class="card">
        <h2>{props.rotatedFrom ? "Token rotated" : "Token created"}</h2>
        <p class="notice">
          Copy <strong>{props.view.name}</strong> now: it is shown only this once and stored
          nowhere.
          {props.rotatedFrom ? " The old token no longer works." : ""}
        </p>
        <div class="secret">
          <input type="text" id="new-token" value={props.token} readonly aria-label="New token" />
          <button type="button" data-copy="new-token" id="copy-button">
            Copy
          </button>
        </div>
        <p class="muted">
          Scopes: {props.view.scope.join(", ")} · Org: {props.view.org ?? "all"} · Expires:{" "}
          {props.view.expires_at ?? "never"}
        </p>
        <a class="button" href="/ui">
          Done
        </a>
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
